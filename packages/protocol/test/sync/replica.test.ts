import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { isLienthongError } from '@lienthong/errors'
import { RegistryWriter, type SignedEntry } from '@lienthong/registry'
import { encodeSeq, NAMESPACE } from '@lienthong/store'
import { RegistryReplica, RegistrySyncErrorCode, type AppliedEvent } from '../../src/sync/index.js'
import { bytesEqual, fixedWriter, flakyDb, NETWORK, orgOps, T0, tempDb, tempDir } from './helpers.js'

const ADMIN = { actor: 'admin' }

async function codeOf (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    return isLienthongError(err) ? err.code : `not a LienthongError: ${String(err)}`
  }
  return 'nothing thrown'
}

test('a replica persists applied batches, emits them, and reopens re-verified at the same head', async t => {
  const key = generateNodeKey()
  const writer = fixedWriter(key)
  writer.appendOps(orgOps(0, 5), ADMIN)
  const dir = await tempDir(t)
  const db = await tempDb(t, dir)
  const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey, network: NETWORK })
  t.is(replica.seq, -1)
  const events: AppliedEvent[] = []
  replica.on('applied', e => { events.push(e) })
  const all = writer.registry.entriesAfter(-1)
  await replica.apply(all.slice(0, 2), { source: 'peer-x' })
  await replica.apply(all.slice(2))
  t.deepEqual(events.map(e => [e.seq, e.entries.length, e.source]), [[1, 2, 'peer-x'], [5, 4, 'unknown']])
  t.true(bytesEqual(replica.head, writer.registry.head))
  t.is(replica.state.orgs.size, 5)
  await db.close()

  const db2 = await tempDb(t, dir)
  const reopened = await RegistryReplica.open({ db: db2, coordinatorKey: key.publicKey, network: NETWORK })
  t.is(reopened.seq, 5)
  t.true(bytesEqual(reopened.head, writer.registry.head))
  t.deepEqual([...reopened.state.orgs.keys()].sort(), [...writer.registry.state.orgs.keys()].sort())
})

test('a refused batch changes nothing, on disk or in memory, and emits nothing', async t => {
  const key = generateNodeKey()
  const writer = fixedWriter(key)
  writer.appendOps(orgOps(0, 3), ADMIN)
  const db = await tempDb(t)
  const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey })
  await replica.apply(writer.registry.entriesAfter(-1, 2))
  const before = replica.state
  let events = 0
  replica.on('applied', () => { events++ })
  // A gap (seq 3 after head 1), then a chain whose last entry is tampered: all or nothing.
  t.is(await codeOf(replica.apply(writer.registry.entriesAfter(2))), 'registry-bad-seq')
  const rest = writer.registry.entriesAfter(1)
  const tampered: SignedEntry[] = [...rest.slice(0, -1), { bytes: rest[1]!.bytes, signature: new Uint8Array(64) }]
  t.is(await codeOf(replica.apply(tampered)), 'registry-bad-signature')
  t.is(replica.state, before)
  t.is(events, 0)
  // Another coordinator's genesis is refused by the trust anchor.
  const other = await RegistryReplica.open({ db: await tempDb(t), coordinatorKey: key.publicKey, network: 'other-network' })
  t.is(await codeOf(other.apply(writer.registry.entriesAfter(-1, 1))), 'registry-bad-genesis')
})

test('a failed disk write leaves memory at the committed head, and the batch can be applied again', async t => {
  const key = generateNodeKey()
  const writer = fixedWriter(key)
  writer.appendOps(orgOps(0, 4), ADMIN)
  const db = flakyDb(await tempDb(t))
  const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey })
  await replica.apply(writer.registry.entriesAfter(-1, 2))
  let events = 0
  replica.on('applied', () => { events++ })
  db.failNext = true
  const rest = writer.registry.entriesAfter(1)
  t.is(await codeOf(replica.apply(rest)), 'store-write-failed')
  t.is(replica.seq, 1)
  t.is(replica.entry(2), undefined)
  t.deepEqual(replica.entriesAfter(1, 10), [])
  t.is(events, 0)
  // Had the private registry kept the refused batch, this would fail with registry-bad-seq.
  await replica.apply(rest)
  t.is(replica.seq, 4)
  t.is(events, 1)
  const again = await RegistryReplica.open({ db, coordinatorKey: key.publicKey })
  t.is(again.seq, 4)
})

test('a corrupted stored entry is detected at open with a typed error', async t => {
  const key = generateNodeKey()
  const writer = fixedWriter(key)
  writer.appendOps(orgOps(0, 4), ADMIN)
  for (const [what, reason] of [['signature', 'registry-bad-signature'], ['hash', 'hash-mismatch']] as const) {
    const db = await tempDb(t)
    const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey })
    await replica.apply(writer.registry.entriesAfter(-1))
    // Rewrite entry 2 on disk (value = 32-byte hash ‖ signed entry wire): flip one byte.
    const ns = db.namespace(NAMESPACE.REGISTRY_LOG_ENTRY)
    const value = Uint8Array.from((await ns.get(encodeSeq(2)))!)
    const at = what === 'hash' ? 0 : value.length - 1
    value[at] = value[at]! ^ 0x01
    await db.batch([{ type: 'put', namespace: ns, key: encodeSeq(2), value }])
    const err = await t.throwsAsync(RegistryReplica.open({ db, coordinatorKey: key.publicKey }))
    t.true(isLienthongError(err, RegistrySyncErrorCode.STORE_INVALID), String(err))
    if (isLienthongError(err)) t.deepEqual([err.meta.seq, err.meta.reason], [2, reason], what)
  }
})

test('checkpoints: accepted when newer and valid, persisted, judged stale by the network param', async t => {
  const key = generateNodeKey()
  const writer = fixedWriter(key)
  writer.appendOps(orgOps(0, 2), ADMIN)
  const dir = await tempDir(t)
  const db = await tempDb(t, dir)
  const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey })
  t.deepEqual(replica.freshness(T0), { lastCheckpointAt: null, checkpointSeq: null, seq: -1, stale: true })
  await replica.apply(writer.registry.entriesAfter(-1))
  const at = T0 + 10_000
  t.like(await replica.acceptCheckpoint(writer.checkpoint(at)), { accepted: true })
  const day = 24 * 60 * 60 * 1000
  t.like(replica.freshness(at + day - 1), { lastCheckpointAt: at, checkpointSeq: 2, seq: 2, stale: false })
  t.true(replica.freshness(at + day + 1).stale)
  // Older or equal: not newer.
  t.like(await replica.acceptCheckpoint(writer.checkpoint(at - 1)), { accepted: false, code: RegistrySyncErrorCode.CHECKPOINT_NOT_NEWER })
  // A tighter staleness limit from the registry applies at once.
  writer.appendOp({ type: 'network.params', stalenessLimitMs: 60_000 }, ADMIN)
  await replica.apply(writer.registry.entriesAfter(2))
  t.true(replica.freshness(at + 60_001).stale)
  t.false(replica.freshness(at + 59_999).stale)
  // A checkpoint ahead of us cannot be checked against our chain yet.
  writer.appendOp({ type: 'network.params', heartbeatIntervalMs: 10_000 }, ADMIN)
  t.like(await replica.acceptCheckpoint(writer.checkpoint(at + 5)), { accepted: false, code: RegistrySyncErrorCode.CHECKPOINT_AHEAD })
  await replica.apply(writer.registry.entriesAfter(3))
  t.like(await replica.acceptCheckpoint(writer.checkpoint(at + 5)), { accepted: true })
  await db.close()
  const reopened = await RegistryReplica.open({ db: await tempDb(t, dir), coordinatorKey: key.publicKey })
  t.like(reopened.freshness(at + 6), { lastCheckpointAt: at + 5, checkpointSeq: 4, stale: false })
})

test('invalid checkpoints are refused: another key, another head (a fork alarm), garbage', async t => {
  const key = generateNodeKey()
  const writer = fixedWriter(key)
  writer.appendOps(orgOps(0, 3), ADMIN)
  const db = await tempDb(t)
  const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey })
  await replica.apply(writer.registry.entriesAfter(-1))
  const good = writer.checkpoint(T0 + 1)
  await replica.acceptCheckpoint(good)
  const alarms: string[] = []
  replica.on('alarm', a => { alarms.push(`${a.code}@${a.seq ?? '-'}`) })

  const stranger = generateNodeKey()
  const strangerWriter = RegistryWriter.genesis(stranger, { network: NETWORK })
  strangerWriter.appendOps(orgOps(0, 3), ADMIN)
  t.like(await replica.acceptCheckpoint(strangerWriter.checkpoint(T0 + 99)), { accepted: false, code: 'registry-bad-signature' })

  // Same key, a chain that diverges at seq 3: its checkpoint names another head for our seq 3.
  const forked = fixedWriter(key)
  forked.appendOps(orgOps(0, 2), ADMIN)
  forked.appendOps(orgOps(50, 1), ADMIN)
  t.like(await replica.acceptCheckpoint(forked.checkpoint(T0 + 99)), { accepted: false, code: 'registry-checkpoint-fork' })
  t.deepEqual(alarms, ['registry-fork@3'])

  t.like(await replica.acceptCheckpoint({ bytes: new Uint8Array([1, 2, 3]), signature: new Uint8Array(64) }), { accepted: false, code: 'registry-malformed' })
  t.true(bytesEqual(replica.latestCheckpoint!.signed.bytes, good.bytes))
  t.is(replica.freshness().checkpointSeq, 3)
  t.deepEqual(replica.alarmCounts(), { 'registry-fork': 1 })
})

test('the coordinator appends through the replica: entries and a checkpoint in one write, with events', async t => {
  const key = generateNodeKey()
  const dir = await tempDir(t)
  const db = await tempDb(t, dir)
  const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey, network: NETWORK })
  const seen: string[] = []
  replica.on('applied', e => { seen.push(`applied ${e.seq} ${e.source}`) })
  replica.on('checkpoint', e => { seen.push(`checkpoint ${e.checkpoint.seq}`) })
  await replica.append(key, [{ type: 'genesis', network: NETWORK, coordinatorKey: key.publicKey }], ADMIN)
  await replica.append(key, orgOps(0, 3), { ...ADMIN, reason: 'import' })
  await replica.append(key, orgOps(3, 1), { ...ADMIN, checkpoint: false })
  t.deepEqual(seen, ['applied 0 local', 'checkpoint 0', 'applied 3 local', 'checkpoint 3', 'applied 4 local'])
  t.is(replica.entry(2)?.entry.reason, 'import')
  t.is(await codeOf(replica.append(generateNodeKey(), orgOps(9, 1), ADMIN)), 'registry-wrong-key')
  t.is(await codeOf(replica.append(key, orgOps(0, 1), ADMIN)), 'registry-org-exists')
  t.is(replica.seq, 4)
  await db.close()
  const reopened = await RegistryReplica.open({ db: await tempDb(t, dir), coordinatorKey: key.publicKey, network: NETWORK })
  t.is(reopened.seq, 4)
  t.is(reopened.latestCheckpoint?.checkpoint.seq, 3)
})
