import test from 'ava'
import {
  ENTRIES_PAGE_LIMIT, parseOp, Registry, RegistryErrorCode, RegistryWriter, type RegistryOp
} from '@lienthong/registry'
import { ADMIN, admitOp, newWriter, peerIdOf, refusedUnchanged, T0, testKey, throwsCode } from './helpers.js'

const coordinator = testKey(1000)

test('appendOps is atomic: one illegal operation and nothing is appended', (t) => {
  const w = newWriter(coordinator)
  const ops: RegistryOp[] = [
    { type: 'org.create', code: '000.00.00.G01', name: 'a' },
    { type: 'org.create', code: '000.00.00.G02', name: 'b' },
    { type: 'org.create', code: '000.00.00.G01', name: 'duplicate' }
  ]
  const meta = refusedUnchanged(t, w, () => w.appendOps(ops, ADMIN), RegistryErrorCode.ORG_EXISTS)
  t.like(meta, { seq: 3, index: 2 })
  const applied = w.appendOps(ops.slice(0, 2), { actor: 'directory-import', reason: 'seed' })
  t.deepEqual(applied.map(a => a.seq), [1, 2])
  t.like(applied[1]?.entry, { actor: 'directory-import', reason: 'seed' })
  t.throws(() => w.appendOps([{ type: 'coordinator.rotate-key', publicKey: testKey(2).publicKey, proof: new Uint8Array(64) }], ADMIN), { instanceOf: TypeError })
  t.deepEqual(w.appendOps([], ADMIN), [])
})

test('entry times never go backwards, whatever the clock says', (t) => {
  const w = newWriter(coordinator)
  const first = w.appendOp({ type: 'org.create', code: '000.00.00.G01', name: 'a' }, { actor: 'a', at: T0 + 1_000_000 })
  const second = w.appendOp({ type: 'org.create', code: '000.00.00.G02', name: 'b' }, { actor: 'a', at: T0 })
  t.is(first.entry.at, T0 + 1_000_000)
  t.is(second.entry.at, T0 + 1_000_000)
})

test('entriesAfter pages the log for syncing peers', (t) => {
  const w = newWriter(coordinator)
  w.appendOps(Array.from({ length: 20 }, (_, i) => ({ type: 'org.create' as const, code: `000.00.00.G${String(i).padStart(2, '0')}`, name: `u${i}` })), ADMIN)
  const r = w.registry
  t.is(r.entriesAfter(-1).length, 21)
  t.is(r.entriesAfter(20).length, 0)
  t.is(r.entriesAfter(4, 3).length, 3)
  const replica = Registry.create({ coordinatorKey: coordinator.publicKey })
  while (replica.seq < r.seq) replica.applyBatch(r.entriesAfter(replica.seq, 4))
  t.deepEqual(replica.state, r.state)
  t.is(r.entry(3)?.seq, 3)
  t.is(r.entry(99), undefined)
  t.true(ENTRIES_PAGE_LIMIT >= 100)
  t.throws(() => r.entriesAfter(-2), { instanceOf: RangeError })
  t.throws(() => r.entriesAfter(0, 0), { instanceOf: RangeError })
  t.deepEqual(replica.applyBatch([]), [])
})

test('queries: lists filtered and sorted', (t) => {
  const w = newWriter(coordinator)
  w.appendOp({ type: 'org.create', code: '000.00.00.H29', name: 'Hà Nội' }, ADMIN)
  const [a, b] = [testKey(1), testKey(2)]
  w.appendOp(admitOp(a, ['000.00.00.H29']), ADMIN)
  w.appendOp(admitOp(b, []), ADMIN)
  w.appendOp({ type: 'node.promote', peerId: peerIdOf(b) }, ADMIN)
  t.deepEqual(w.registry.listNodes().map(n => n.peerId), [peerIdOf(a), peerIdOf(b)].sort())
  t.deepEqual(w.registry.listNodes({ state: 'official' }).map(n => n.peerId), [peerIdOf(b)])
  t.deepEqual(w.registry.listNodes({ state: 'revoked' }), [])
  t.deepEqual(w.registry.listOrgs({ status: 'retired' }), [])
  t.is(w.registry.getNode('nope'), undefined)
})

test('parseOp validates shapes on its own, for HTTP handlers', (t) => {
  t.like(parseOp({ type: 'org.rename', code: '000.00.00.H29', name: 'x' }), { type: 'org.rename' })
  throwsCode(t, () => parseOp(null), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 42 }), RegistryErrorCode.UNKNOWN_OP)
  throwsCode(t, () => parseOp({ type: '__proto__' }), RegistryErrorCode.UNKNOWN_OP)
  throwsCode(t, () => parseOp({ type: 'org.rename', code: '000.00.00.H29', name: 'tab\there' }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'org.rename', code: '000.00.00.H29', name: '' }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'org.create', code: '000.00.00.H29', name: 'x', level: 0 }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'org.create', code: '000.00.00.H29', name: 'x', kind: 'planet' }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'org.create', code: '000.00.00.H29', name: 'x', source: { confidence: 'X', refs: [] } }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'org.create', code: '000.00.00.H29', name: 'x', parent: '000.00.00.H29' }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'org.merge', from: [], into: '000.00.00.H29' }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'service.upsert', id: 'has space', org: '000.00.00.H29', name: 'x', protocol: 'p' }), RegistryErrorCode.BAD_OP)
  throwsCode(t, () => parseOp({ type: 'node.update-orgs', peerId: 'x', orgs: ['000.00.00.H29', '000.00.00.H29'] }), RegistryErrorCode.BAD_OP)
})

test('programmer mistakes are TypeErrors', (t) => {
  t.throws(() => Registry.create({ coordinatorKey: new Uint8Array(3) }), { instanceOf: TypeError })
  t.throws(() => new RegistryWriter({} as Registry, coordinator), { instanceOf: TypeError })
  t.throws(() => newWriter().registry.applyBatch('x' as never), { instanceOf: TypeError })
})
