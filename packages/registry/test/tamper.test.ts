import test, { type ExecutionContext } from 'ava'
import { isLienthongError } from '@lienthong/errors'
import { decodeEntry, encodeEntry, entryHash, Registry, RegistryErrorCode, signEntry, type SignedEntry } from '@lienthong/registry'
import { ADMIN, newWriter, testKey, throwsCode } from './helpers.js'

const coordinator = testKey(1000)

/** A coordinator log of a few entries, and a fresh replica anchored on the same key. */
function setup (): { log: SignedEntry[], replica: Registry } {
  const writer = newWriter(coordinator)
  writer.appendOp({ type: 'org.create', code: '000.00.00.G01', name: 'Văn phòng Chính phủ' }, ADMIN)
  writer.appendOp({ type: 'org.create', code: '000.00.00.H29', name: 'UBND thành phố Hà Nội' }, ADMIN)
  writer.appendOp({ type: 'org.rename', code: '000.00.00.H29', name: 'Ủy ban nhân dân thành phố Hà Nội' }, ADMIN)
  writer.appendOp({ type: 'network.params', heartbeatIntervalMs: 15_000 }, ADMIN)
  return { log: writer.registry.entriesAfter(-1), replica: Registry.create({ coordinatorKey: coordinator.publicKey }) }
}

function refused (t: ExecutionContext, replica: Registry, fn: () => unknown, code: string): Record<string, unknown> {
  const before = replica.state
  const copy = structuredClone(before)
  const meta = throwsCode(t, fn, code)
  t.is(replica.state, before)
  t.deepEqual(replica.state, copy)
  return meta
}

/** Re-sign modified entry content with a key (a coordinator bug or a stolen key). */
function resign (signed: SignedEntry, key = coordinator, change: (e: ReturnType<typeof decodeEntry>) => void = () => {}): SignedEntry {
  const entry = decodeEntry(signed.bytes)
  change(entry)
  return signEntry(key, entry)
}

test('an honest log replays entry by entry and as one batch to the same state', (t) => {
  const { log, replica } = setup()
  for (const e of log) replica.applyEntry(e)
  const batch = Registry.create({ coordinatorKey: coordinator.publicKey })
  t.is(batch.applyBatch(log).length, log.length)
  t.deepEqual(batch.state, replica.state)
  t.is(replica.seq, log.length - 1)
  t.deepEqual(replica.head, entryHash(log[log.length - 1] as SignedEntry))
})

test('a flipped byte anywhere in the bytes is refused as a bad signature', (t) => {
  const { log, replica } = setup()
  replica.applyBatch(log.slice(0, 2))
  const target = log[2] as SignedEntry
  for (const position of [0, 5, Math.floor(target.bytes.length / 2), target.bytes.length - 1]) {
    const bytes = Uint8Array.from(target.bytes)
    bytes[position] = (bytes[position] as number) ^ 0x01
    const meta = refused(t, replica, () => replica.applyEntry({ bytes, signature: target.signature }), RegistryErrorCode.BAD_SIGNATURE)
    t.is(typeof meta.seq, 'number')
  }
  const signature = Uint8Array.from(target.signature)
  signature[10] = (signature[10] as number) ^ 0x80
  refused(t, replica, () => replica.applyEntry({ bytes: target.bytes, signature }), RegistryErrorCode.BAD_SIGNATURE)
  replica.applyEntry(target)
  t.is(replica.seq, 2)
})

test('a reordered pair, a gap and a duplicate are refused as bad seq', (t) => {
  const { log, replica } = setup()
  replica.applyEntry(log[0] as SignedEntry)
  let meta = refused(t, replica, () => replica.applyEntry(log[2] as SignedEntry), RegistryErrorCode.BAD_SEQ)
  t.is(meta.seq, 2)
  t.is(meta.expected, 1)
  meta = refused(t, replica, () => replica.applyBatch([log[2] as SignedEntry, log[1] as SignedEntry]), RegistryErrorCode.BAD_SEQ)
  t.is(meta.index, 0)
  refused(t, replica, () => replica.applyEntry(log[0] as SignedEntry), RegistryErrorCode.BAD_SEQ)
  replica.applyEntry(log[1] as SignedEntry)
  refused(t, replica, () => replica.applyEntry(log[1] as SignedEntry), RegistryErrorCode.BAD_SEQ)
  refused(t, replica, () => replica.applyEntry(log[4] as SignedEntry), RegistryErrorCode.BAD_SEQ)
})

test('a truncated entry is refused and the replica can go on from where it was', (t) => {
  const { log, replica } = setup()
  replica.applyBatch(log.slice(0, 3))
  const target = log[3] as SignedEntry
  refused(t, replica, () => replica.applyEntry({ bytes: target.bytes.subarray(0, target.bytes.length - 3), signature: target.signature }), RegistryErrorCode.BAD_SIGNATURE)
  refused(t, replica, () => replica.applyEntry({ bytes: target.bytes, signature: target.signature.subarray(0, 32) }), RegistryErrorCode.MALFORMED)
  refused(t, replica, () => replica.applyEntry(undefined as unknown as SignedEntry), RegistryErrorCode.MALFORMED)
  replica.applyBatch(log.slice(3))
  t.is(replica.seq, log.length - 1)
})

test('an entry re-signed by another key is refused', (t) => {
  const { log, replica } = setup()
  replica.applyBatch(log.slice(0, 2))
  const forged = resign(log[2] as SignedEntry, testKey(666))
  refused(t, replica, () => replica.applyEntry(forged), RegistryErrorCode.BAD_SIGNATURE)
  // a whole fork from genesis under another key is refused at entry 0
  const other = newWriter(testKey(666))
  const fresh = Registry.create({ coordinatorKey: coordinator.publicKey })
  refused(t, fresh, () => fresh.applyBatch(other.registry.entriesAfter(-1)), RegistryErrorCode.BAD_SIGNATURE)
})

test('a forged prev is refused: unsigned it breaks the signature, re-signed it breaks the chain', (t) => {
  const { log, replica } = setup()
  replica.applyBatch(log.slice(0, 2))
  const target = log[2] as SignedEntry
  const entry = decodeEntry(target.bytes)
  entry.prev = new Uint8Array(32).fill(7)
  refused(t, replica, () => replica.applyEntry({ bytes: encodeEntry(entry), signature: target.signature }), RegistryErrorCode.BAD_SIGNATURE)
  const meta = refused(t, replica, () => replica.applyEntry(resign(target, coordinator, e => { e.prev = new Uint8Array(32).fill(7) })), RegistryErrorCode.BAD_PREV)
  t.is(meta.seq, 2)
})

test('an entry older than its predecessor is refused as bad time', (t) => {
  const { log, replica } = setup()
  replica.applyBatch(log.slice(0, 2))
  refused(t, replica, () => replica.applyEntry(resign(log[2] as SignedEntry, coordinator, e => { e.at = 1 })), RegistryErrorCode.BAD_TIME)
})

test('a batch with one bad entry applies nothing and names the seq', (t) => {
  const { log, replica } = setup()
  replica.applyEntry(log[0] as SignedEntry)
  const bad = resign(log[3] as SignedEntry, testKey(666))
  const batch = [log[1], log[2], bad, log[4]] as SignedEntry[]
  const meta = refused(t, replica, () => replica.applyBatch(batch), RegistryErrorCode.BAD_SIGNATURE)
  t.is(meta.seq, 3)
  t.is(meta.index, 2)
  t.is(replica.entriesAfter(-1).length, 1)
  // an illegal operation inside a properly signed batch: the same all-or-nothing rule
  const writer = newWriter(coordinator)
  writer.appendOp({ type: 'org.create', code: '000.00.00.G01', name: 'x' }, ADMIN)
  const illegal = signEntry(coordinator, {
    seq: 2, prev: entryHash(writer.registry.entriesAfter(0)[0] as SignedEntry), at: 1_800_000_000_000, actor: 'a', op: { type: 'org.create', code: '000.00.00.G01', name: 'again' }
  })
  const fresh = Registry.create({ coordinatorKey: coordinator.publicKey })
  try {
    fresh.applyBatch([...writer.registry.entriesAfter(-1), illegal])
    t.fail('the batch was applied')
  } catch (err) {
    t.true(isLienthongError(err, RegistryErrorCode.ORG_EXISTS))
    if (isLienthongError(err)) t.is(err.meta.seq, 2)
  }
  t.is(fresh.seq, -1)
})

test('the genesis must come first, once, for the anchored key and network', (t) => {
  const writer = newWriter(coordinator, 'lienthong-test')
  const genesis = writer.registry.entriesAfter(-1)[0] as SignedEntry
  const wrongNetwork = Registry.create({ coordinatorKey: coordinator.publicKey, network: 'other-net' })
  refused(t, wrongNetwork, () => wrongNetwork.applyEntry(genesis), RegistryErrorCode.BAD_GENESIS)
  const notGenesis = signEntry(coordinator, { seq: 0, prev: new Uint8Array(32), at: 1, actor: 'a', op: { type: 'org.create', code: '000.00.00.G01', name: 'x' } })
  const fresh = Registry.create({ coordinatorKey: coordinator.publicKey })
  refused(t, fresh, () => fresh.applyEntry(notGenesis), RegistryErrorCode.BAD_GENESIS)
  const namesOtherKey = signEntry(coordinator, { seq: 0, prev: new Uint8Array(32), at: 1, actor: 'a', op: { type: 'genesis', network: 'n', coordinatorKey: testKey(5).publicKey } })
  refused(t, fresh, () => fresh.applyEntry(namesOtherKey), RegistryErrorCode.BAD_GENESIS)
  throwsCode(t, () => writer.appendOp({ type: 'genesis', network: 'again', coordinatorKey: coordinator.publicKey }, ADMIN), RegistryErrorCode.BAD_GENESIS)
})

test('the log keeps its own copies of the bytes it accepted', (t) => {
  const { log, replica } = setup()
  const first = log[0] as SignedEntry
  const mine = { bytes: Uint8Array.from(first.bytes), signature: Uint8Array.from(first.signature) }
  replica.applyEntry(mine)
  mine.bytes.fill(0)
  t.deepEqual(replica.entriesAfter(-1)[0], first)
})
