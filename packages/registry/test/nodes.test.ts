import test from 'ava'
import { NETWORK_PARAM_RANGES, RegistryErrorCode, registryInvariantViolations } from '@lienthong/registry'
import { ADMIN, admitOp, newWriter, peerIdOf, refusedUnchanged, testKey } from './helpers.js'

const key = testKey(1)
const id = peerIdOf(key)

function setup (): ReturnType<typeof newWriter> {
  const w = newWriter()
  w.appendOp({ type: 'org.create', code: '000.00.00.H29', name: 'Hà Nội' }, ADMIN)
  w.appendOp(admitOp(key, ['000.00.00.H29']), ADMIN)
  return w
}

test('the membership life cycle, with its history', (t) => {
  const w = setup()
  const op = (o: object): void => { w.appendOp({ peerId: id, ...o } as never, { actor: 'security', reason: 'test' }) }
  op({ type: 'node.promote' })
  op({ type: 'node.suspend', reason: 'maintenance window' })
  t.like(w.registry.getNode(id), { state: 'suspended', resumeTo: 'official' })
  op({ type: 'node.resume' })
  op({ type: 'node.revoke', incident: 'INC-2025-001' })
  op({ type: 'node.reinstate', remediation: { summary: 'keys rotated, host rebuilt', ref: 'REM-7' }, to: 'trial' })
  const node = w.registry.getNode(id)
  t.is(node?.state, 'trial')
  t.is(node?.resumeTo, undefined)
  t.deepEqual(node?.history.map(h => `${String(h.from)}>${h.to}`), ['null>trial', 'trial>official', 'official>suspended', 'suspended>official', 'official>revoked', 'revoked>trial'])
  t.like(node?.history[2], { pauseReason: 'maintenance window', actor: 'security', reason: 'test' })
  t.like(node?.history[4], { incident: 'INC-2025-001' })
  t.like(node?.history[5], { remediation: { summary: 'keys rotated, host rebuilt', ref: 'REM-7' } })
  t.deepEqual(registryInvariantViolations(w.registry.state), [])
})

test('illegal transitions are refused with from/to', (t) => {
  const w = setup()
  let meta = refusedUnchanged(t, w, () => w.appendOp({ type: 'node.resume', peerId: id }, ADMIN), RegistryErrorCode.BAD_TRANSITION)
  t.like(meta, { from: 'trial', event: 'resumed' })
  w.appendOp({ type: 'node.revoke', peerId: id, incident: 'INC-1' }, ADMIN)
  meta = refusedUnchanged(t, w, () => w.appendOp({ type: 'node.promote', peerId: id }, ADMIN), RegistryErrorCode.BAD_TRANSITION)
  t.like(meta, { from: 'revoked', to: 'official' })
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.suspend', peerId: id, reason: 'x' }, ADMIN), RegistryErrorCode.BAD_TRANSITION)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.revoke', peerId: id, incident: 'again' }, ADMIN), RegistryErrorCode.BAD_TRANSITION)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.reinstate', peerId: id, to: 'official' } as never, ADMIN), RegistryErrorCode.REMEDIATION_REQUIRED)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.reinstate', peerId: id, remediation: { summary: '  ' }, to: 'official' }, ADMIN), RegistryErrorCode.REMEDIATION_REQUIRED)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.reinstate', peerId: id, remediation: { summary: 'ok' }, to: 'suspended' as never }, ADMIN), RegistryErrorCode.BAD_OP)
  w.appendOp({ type: 'node.reinstate', peerId: id, remediation: { summary: 'ok' }, to: 'official' }, ADMIN)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.reinstate', peerId: id, remediation: { summary: 'ok' }, to: 'official' }, ADMIN), RegistryErrorCode.BAD_TRANSITION)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.promote', peerId: id }, ADMIN), RegistryErrorCode.BAD_TRANSITION)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.promote', peerId: peerIdOf(testKey(77)) }, ADMIN), RegistryErrorCode.UNKNOWN_NODE)
})

test('admission checks the key, the PeerId and duplicates', (t) => {
  const w = setup()
  refusedUnchanged(t, w, () => w.appendOp(admitOp(key, []), ADMIN), RegistryErrorCode.NODE_EXISTS)
  const k2 = testKey(2)
  refusedUnchanged(t, w, () => w.appendOp({ ...admitOp(k2, []), peerId: id }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp({ ...admitOp(k2, []), addresses: ['not a multiaddr'] }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp({ ...admitOp(k2, []), contacts: { email: ['nope'], phone: [] } }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp({ ...admitOp(k2, []), publicKey: new Uint8Array(32) }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp({ ...admitOp(k2, []), extra: true } as never, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp(admitOp(k2, ['bad code']), ADMIN), RegistryErrorCode.BAD_ORG_CODE)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.teleport', peerId: id } as never, ADMIN), RegistryErrorCode.UNKNOWN_OP)
})

test('key rotation moves the node to its new PeerId; the old one is never reused', (t) => {
  const w = setup()
  const k2 = testKey(2)
  w.appendOp({ type: 'node.promote', peerId: id }, ADMIN)
  w.appendOp({ type: 'node.rotate-key', peerId: id, newPeerId: peerIdOf(k2), publicKey: k2.publicKey, sealingPublicKey: k2.sealingPublicKey }, ADMIN)
  t.is(w.registry.getNode(id), undefined)
  t.like(w.registry.getNode(peerIdOf(k2)), { state: 'official', formerPeerIds: [id], orgs: ['000.00.00.H29'] })
  t.like(w.registry.hostOf('000.00.00.H29'), { node: { peerId: peerIdOf(k2) } })
  refusedUnchanged(t, w, () => w.appendOp(admitOp(key, []), ADMIN), RegistryErrorCode.NODE_EXISTS)
  const k3 = testKey(3)
  w.appendOp(admitOp(k3, []), ADMIN)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.rotate-key', peerId: peerIdOf(k3), newPeerId: peerIdOf(k2), publicKey: k2.publicKey, sealingPublicKey: k2.sealingPublicKey }, ADMIN), RegistryErrorCode.NODE_EXISTS)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.rotate-key', peerId: peerIdOf(k3), newPeerId: peerIdOf(k3), publicKey: k2.publicKey, sealingPublicKey: k2.sealingPublicKey }, ADMIN), RegistryErrorCode.BAD_OP)
  w.appendOp({ type: 'node.update-addresses', peerId: peerIdOf(k2), addresses: ['/ip4/10.0.0.1/tcp/4001', '/dns4/node.hanoi.gov.vn/tcp/4001'] }, ADMIN)
  t.deepEqual(w.registry.getNode(peerIdOf(k2))?.addresses, ['/ip4/10.0.0.1/tcp/4001', '/dns4/node.hanoi.gov.vn/tcp/4001'])
})

test('network parameters: defaults and ranges', (t) => {
  const w = setup()
  t.deepEqual(w.registry.state.params, { heartbeatIntervalMs: 30_000, maxEnvelopeBytes: 100 * 1024 * 1024, stalenessLimitMs: 86_400_000 })
  w.appendOp({ type: 'network.params', stalenessLimitMs: 3_600_000 }, ADMIN)
  t.like(w.registry.state.params, { heartbeatIntervalMs: 30_000, stalenessLimitMs: 3_600_000 })
  const meta = refusedUnchanged(t, w, () => w.appendOp({ type: 'network.params', heartbeatIntervalMs: 10 }, ADMIN), RegistryErrorCode.BAD_PARAM)
  t.like(meta, { param: 'heartbeatIntervalMs', min: NETWORK_PARAM_RANGES.heartbeatIntervalMs.min })
  refusedUnchanged(t, w, () => w.appendOp({ type: 'network.params', maxEnvelopeBytes: 2 ** 40 }, ADMIN), RegistryErrorCode.BAD_PARAM)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'network.params', stalenessLimitMs: 1.5 }, ADMIN), RegistryErrorCode.BAD_PARAM)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'network.params' }, ADMIN), RegistryErrorCode.BAD_OP)
})
