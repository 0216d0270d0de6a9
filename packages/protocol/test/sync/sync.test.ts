import test from 'ava'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { isLienthongError } from '@lienthong/errors'
import { createHost, REGISTRY_PROTOCOL, request } from '@lienthong/protocol'
import { decodeEntry, decodeSignedEntry, encodeSignedEntry, type RegistryOp } from '@lienthong/registry'
import { decodeEntriesReply, decodeHeadReply, encodeSyncRequest, RegistrySyncErrorCode, type AppliedEvent } from '../../src/sync/index.js'
import { admitOp, bytesEqual, fixedWriter, NETWORK, nextAlarm, orgOps, startNode, tempDir, waitForSeq } from './helpers.js'

const ADMIN = { actor: 'admin' }
const genesis = (key: { publicKey: Uint8Array }): RegistryOp => ({ type: 'genesis', network: NETWORK, coordinatorKey: key.publicKey })

test('a revocation at the coordinator reaches a node that is connected only to another node', async t => {
  const coordinatorKey = generateNodeKey()
  const c = await startNode(t, { coordinatorKey, coordinator: true })
  await c.replica.append(coordinatorKey, [genesis(coordinatorKey), ...orgOps(0, 2)], ADMIN)
  const a = await startNode(t, { coordinatorKey })
  const b = await startNode(t, { coordinatorKey })
  await a.host.dial(c.address)
  await a.host.dial(b.address)
  // A pulls from C on connect, then passes the head on to B.
  await waitForSeq(b.replica, c.replica.seq)

  const [orgA, orgB] = [...c.replica.state.orgs.keys()] as [string, string]
  const keyA = generateNodeKey()
  const keyB = generateNodeKey()
  await c.replica.append(coordinatorKey, [admitOp(keyA, [orgA]), admitOp(keyB, [orgB])], ADMIN)
  await waitForSeq(b.replica, c.replica.seq)
  const fromWhom: AppliedEvent[] = []
  b.replica.on('applied', e => { fromWhom.push(e) })
  const revoked = peerIdFromPublicKeyBytes(keyB.publicKey)
  await c.replica.append(coordinatorKey, [{ type: 'node.revoke', peerId: revoked, incident: 'INC-2025-001' }], ADMIN)
  await waitForSeq(b.replica, c.replica.seq)

  t.is(b.replica.state.nodes.get(revoked)?.state, 'revoked')
  t.is(b.replica.state.nodes.get(peerIdFromPublicKeyBytes(keyA.publicKey))?.state, 'trial')
  t.is(b.replica.seq, c.replica.seq)
  t.true(bytesEqual(b.replica.head, c.replica.head))
  t.false(b.host.connectedPeers().includes(c.host.peerId))
  t.deepEqual(fromWhom.map(e => e.source), [a.host.peerId])
  // A does not echo the change back to C, which announced it: C told A that it holds that head.
  await a.sync.idle()
  t.true(a.sync.stats.announcesSkipped > 0)
  // The coordinator's checkpoint of the revocation travelled with it: B is fresh.
  await waitFor(() => b.replica.latestCheckpoint?.checkpoint.seq === c.replica.seq, b.replica)
  t.false(b.replica.freshness().stale)
  t.deepEqual(b.sync.stats.alarms, {})
})

/** Resolves when `check()` holds, re-checked on each replica event; bounded. */
async function waitFor (check: () => boolean, replica: { on: (type: 'checkpoint' | 'applied', l: () => void) => () => void }, timeoutMs = 10_000): Promise<void> {
  if (check()) return
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  const offs = [replica.on('checkpoint', () => { if (check()) resolve() }), replica.on('applied', () => { if (check()) resolve() })]
  const timer = setTimeout(() => { reject(new Error(`condition not met within ${timeoutMs} ms`)) }, timeoutMs)
  try {
    await promise
  } finally {
    clearTimeout(timer)
    offs.forEach(off => { off() })
  }
}

test('syncPeers leaves a connected peer out of pulls and announces, and its requests are still served', async t => {
  const coordinatorKey = generateNodeKey()
  const applicantKey = generateNodeKey()
  const applicant = peerIdFromPublicKeyBytes(applicantKey.publicKey)
  // The coordinator syncs only with registry members, as its join assessment needs.
  const holder: { c?: Awaited<ReturnType<typeof startNode>> } = {}
  const c = await startNode(t, { coordinatorKey, coordinator: true, syncPeers: peer => holder.c?.replica.state.nodes.has(peer) === true })
  holder.c = c
  await c.replica.append(coordinatorKey, [genesis(coordinatorKey), ...orgOps(0, 2)], ADMIN)
  const a = await startNode(t, { coordinatorKey, key: applicantKey })
  await c.host.dial(a.address)
  await c.replica.append(coordinatorKey, orgOps(2, 1), ADMIN)
  await c.sync.idle()
  t.is(c.sync.stats.announcesSent, 0, 'nothing announced to a peer outside syncPeers')
  t.true(c.host.connectedPeers().includes(applicant))
  // The applicant still pulls by itself: the coordinator serves its requests.
  a.sync.syncWith(c.host.peerId)
  await waitForSeq(a.replica, c.replica.seq)
  t.is(a.replica.seq, c.replica.seq)

  // Once admitted, it is a sync peer: the next change is announced to it.
  const [org] = [...c.replica.state.orgs.keys()] as [string]
  await c.replica.append(coordinatorKey, [admitOp(applicantKey, [org])], ADMIN)
  await waitForSeq(a.replica, c.replica.seq)
  await c.sync.idle()
  t.true(c.sync.stats.announcesSent > 0)
})

test('a forked or rolled-back head is refused with a registry-fork alarm and the chain is kept', async t => {
  const coordinatorKey = generateNodeKey()
  // Two chains from the same genesis key, equal up to seq 3, diverging from seq 4.
  const honest = fixedWriter(coordinatorKey)
  const forked = fixedWriter(coordinatorKey)
  for (const w of [honest, forked]) w.appendOps(orgOps(0, 3), ADMIN)
  honest.appendOp(orgOps(10, 1)[0]!, ADMIN)
  forked.appendOps(orgOps(20, 4), ADMIN)
  t.true(bytesEqual(honest.registry.entry(3)!.hash, forked.registry.entry(3)!.hash))
  t.false(bytesEqual(honest.registry.entry(4)!.hash, forked.registry.entry(4)!.hash))

  const good = await startNode(t, { coordinatorKey })
  await good.replica.apply(honest.registry.entriesAfter(-1))
  const evil = await startNode(t, { coordinatorKey })
  await evil.replica.apply(forked.registry.entriesAfter(-1))
  const node = await startNode(t, { coordinatorKey })
  await node.host.dial(good.address)
  await waitForSeq(node.replica, 4)
  const before = node.replica.state

  // The evil peer is ahead (seq 7): the node pulls, finds entry 5 not extending its entry 4.
  const pulled = nextAlarm(node.replica, RegistrySyncErrorCode.FORK)
  await node.host.dial(evil.address)
  const alarm = await pulled
  t.is(alarm.peer, evil.host.peerId)
  t.is(alarm.seq, 5)
  t.is(alarm.reason, 'registry-bad-prev')

  // A rollback: the evil peer announces its seq 4, which the node has with another hash.
  const rolledBack = nextAlarm(node.replica, RegistrySyncErrorCode.FORK)
  const reply = decodeHeadReply(await request(evil.host, node.host.peerId, REGISTRY_PROTOCOL,
    encodeSyncRequest({ type: 'announce', seq: 4, head: forked.registry.entry(4)!.hash })))
  t.is(reply.seq, 4)
  const second = await rolledBack
  t.deepEqual([second.peer, second.seq, second.reason], [evil.host.peerId, 4, 'head-mismatch'])

  t.is(node.replica.state, before)
  t.is(node.replica.seq, 4)
  t.true(bytesEqual(node.replica.head, honest.registry.head))
  t.true((node.sync.stats.alarms['registry-fork'] ?? 0) >= 2)
})

test('entries that ride along with an announce are applied without fetching a page', async t => {
  const coordinatorKey = generateNodeKey()
  const writer = fixedWriter(coordinatorKey)
  writer.appendOps(orgOps(0, 4), ADMIN)
  const node = await startNode(t, { coordinatorKey })
  await node.replica.apply(writer.registry.entriesAfter(-1, 3))
  // A bare host that does not even serve the protocol: the node cannot fetch pages from it.
  const relay = await createHost({ key: generateNodeKey(), listen: ['/ip4/127.0.0.1/tcp/0'] })
  t.teardown(async () => { await relay.stop() })
  const wire = writer.registry.entriesAfter(1).map(encodeSignedEntry)
  const announce = async (seq: number, entries: Uint8Array[]): Promise<void> => {
    await request(relay, node.address, REGISTRY_PROTOCOL, encodeSyncRequest({ type: 'announce', seq, head: writer.registry.entry(seq)!.hash, entries }))
  }
  const applied = waitForSeq(node.replica, 4)
  await announce(4, wire) // entries 2..4, of which the node lacks only 3 and 4
  await applied
  await node.sync.idle()
  t.true(bytesEqual(node.replica.head, writer.registry.head))
  t.like(node.sync.stats, { pagesFetched: 0, entriesInline: 2 })
})

test('a restarted node comes back at its old seq from disk, then catches up', async t => {
  const coordinatorKey = generateNodeKey()
  const c = await startNode(t, { coordinatorKey, coordinator: true })
  await c.replica.append(coordinatorKey, [genesis(coordinatorKey), ...orgOps(0, 3)], ADMIN)
  const dir = await tempDir(t)
  const key = generateNodeKey()
  const b = await startNode(t, { coordinatorKey, key, dir })
  await b.host.dial(c.address)
  await waitForSeq(b.replica, 3)
  const oldHead = b.replica.head
  await b.stop()

  await c.replica.append(coordinatorKey, orgOps(3, 2), ADMIN)
  await c.replica.append(coordinatorKey, [{ type: 'network.params', stalenessLimitMs: 120_000 }], ADMIN)
  const again = await startNode(t, { coordinatorKey, key, dir })
  t.is(again.replica.seq, 3)
  t.true(bytesEqual(again.replica.head, oldHead))
  t.is(again.replica.state.orgs.size, 3)
  const sources: string[] = []
  again.replica.on('applied', e => { sources.push(e.source) })
  await again.host.dial(c.address)
  await waitForSeq(again.replica, c.replica.seq)
  t.true(bytesEqual(again.replica.head, c.replica.head))
  t.is(again.replica.state.params.stalenessLimitMs, 120_000)
  t.true(sources.every(s => s === c.host.peerId))
})

test('the coordinator signs checkpoints periodically and connected nodes take them', async t => {
  const coordinatorKey = generateNodeKey()
  const c = await startNode(t, { coordinatorKey, coordinator: true, checkpointIntervalMs: 100 })
  await c.replica.append(coordinatorKey, [genesis(coordinatorKey), ...orgOps(0, 2)], ADMIN)
  const node = await startNode(t, { coordinatorKey })
  await node.host.dial(c.address)
  await waitForSeq(node.replica, 2)
  const first = c.replica.latestCheckpoint!.checkpoint.at
  // Nothing is appended: a later checkpoint of the same head still reaches the node.
  await waitFor(() => (node.replica.latestCheckpoint?.checkpoint.at ?? 0) > first, node.replica)
  t.is(node.replica.latestCheckpoint?.checkpoint.seq, 2)
  t.is(node.replica.seq, 2)
  t.false(node.replica.freshness().stale)
})

test('the protocol refuses malformed requests with typed codes and serves pages within the limit', async t => {
  const coordinatorKey = generateNodeKey()
  const c = await startNode(t, { coordinatorKey, coordinator: true })
  await c.replica.append(coordinatorKey, [genesis(coordinatorKey), ...orgOps(0, 5)], ADMIN)
  const client = await startNode(t, { coordinatorKey: generateNodeKey() })
  // A node anchored on another coordinator key refuses the whole log (it pulls on connect).
  const refused = nextAlarm(client.replica, RegistrySyncErrorCode.BAD_ENTRIES)
  const err = await t.throwsAsync(request(client.host, c.address, REGISTRY_PROTOCOL, encodeSyncRequest({ type: 'entries', after: 0, limit: 5000 })))
  t.true(isLienthongError(err, 'protocol-remote-error'))
  if (isLienthongError(err)) t.is(err.meta.remoteCode, RegistrySyncErrorCode.BAD_MESSAGE)
  const head = decodeHeadReply(await request(client.host, c.address, REGISTRY_PROTOCOL, encodeSyncRequest({ type: 'head' })))
  t.is(head.seq, 5)
  t.true(bytesEqual(head.head, c.replica.head))
  t.truthy(head.checkpoint)
  const page = decodeEntriesReply(await request(client.host, c.address, REGISTRY_PROTOCOL, encodeSyncRequest({ type: 'entries', after: 1, limit: 2 })))
  t.deepEqual(page.map(w => decodeEntry(decodeSignedEntry(w).bytes).seq), [2, 3])
  t.is((await refused).reason, 'registry-bad-signature')
  t.is(client.replica.seq, -1)
})
