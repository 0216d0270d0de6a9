import test from 'ava'
import { RegistryErrorCode } from '@lienthong/registry'
import { ADMIN, admitOp, newWriter, peerIdOf, refusedUnchanged, testKey } from './helpers.js'

const province = testKey(1)
const department = testKey(2)
const other = testKey(3)

function setup (): ReturnType<typeof newWriter> {
  const w = newWriter()
  for (const [code, name] of [
    ['000.00.00.H29', 'UBND thành phố Hà Nội'], ['000.00.05.H29', 'Sở Tư pháp Hà Nội'],
    ['000.00.00.H30', 'UBND tỉnh Hà Tây'], ['000.00.00.G01', 'Văn phòng Chính phủ'], ['VN.TEST.01', 'Đơn vị thử']
  ]) w.appendOp({ type: 'org.create', code: code as string, name: name as string }, ADMIN)
  w.appendOp({ type: 'org.create', code: 'VN.TEST.01.A', name: 'Sub-unit', parent: 'VN.TEST.01' }, ADMIN)
  return w
}

test('a level-1 host hosts every sub-unit code, unless another node hosts a nearer one', (t) => {
  const w = setup()
  w.appendOp(admitOp(province, ['000.00.00.H29', 'VN.TEST.01']), ADMIN)
  const r = w.registry
  for (const code of ['000.00.00.H29', '000.00.05.H29', '001.02.05.H29', '000.07.00.H29']) {
    t.like(r.hostOf(code), { node: { peerId: peerIdOf(province) }, hostedCode: '000.00.00.H29', redirected: false }, code)
  }
  t.is(r.hostOf('000.00.00.H28'), undefined)
  t.is(r.hostOf('000.00.00.G01'), undefined)
  // long-form codes follow the parent chain
  t.like(r.hostOf('VN.TEST.01.A'), { hostedCode: 'VN.TEST.01' })

  w.appendOp(admitOp(department, ['000.00.05.H29'], 4002), ADMIN)
  t.like(r.hostOf('000.00.05.H29'), { node: { peerId: peerIdOf(department) }, hostedCode: '000.00.05.H29' })
  t.like(r.hostOf('003.02.05.H29'), { node: { peerId: peerIdOf(department) }, hostedCode: '000.00.05.H29' })
  t.like(r.hostOf('000.00.06.H29'), { node: { peerId: peerIdOf(province) } })
  t.deepEqual(r.listNodes({ org: '000.00.05.H29' }).map(n => n.peerId), [peerIdOf(department)])

  // a revoked node hosts nothing: its sub-units fall back to the province node
  w.appendOp({ type: 'node.revoke', peerId: peerIdOf(department), incident: 'INC-1' }, ADMIN)
  t.like(r.hostOf('003.02.05.H29'), { node: { peerId: peerIdOf(province) } })
})

test('one live host per explicit code', (t) => {
  const w = setup()
  w.appendOp(admitOp(province, ['000.00.00.H29']), ADMIN)
  const meta = refusedUnchanged(t, w, () => w.appendOp(admitOp(other, ['000.00.00.H29'], 4003), ADMIN), RegistryErrorCode.ORG_HOSTED)
  t.is(meta.peerId, peerIdOf(province))
  w.appendOp(admitOp(other, ['000.00.00.G01'], 4003), ADMIN)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.update-orgs', peerId: peerIdOf(other), orgs: ['000.00.00.G01', '000.00.00.H29'] }, ADMIN), RegistryErrorCode.ORG_HOSTED)
  // after a revocation the code may move; the revoked node then cannot come back with it
  w.appendOp({ type: 'node.revoke', peerId: peerIdOf(province), incident: 'INC-2' }, ADMIN)
  w.appendOp({ type: 'node.update-orgs', peerId: peerIdOf(other), orgs: ['000.00.00.G01', '000.00.00.H29'] }, ADMIN)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.reinstate', peerId: peerIdOf(province), remediation: { summary: 'rebuilt' }, to: 'trial' }, ADMIN), RegistryErrorCode.ORG_HOSTED)
  refusedUnchanged(t, w, () => w.appendOp(admitOp(testKey(9), ['000.00.00.H77'], 4009), ADMIN), RegistryErrorCode.UNKNOWN_ORG)
})

test('hosting follows the successors of closed codes', (t) => {
  const w = setup()
  w.appendOp(admitOp(province, ['000.00.00.H29']), ADMIN)
  w.appendOp(admitOp(other, ['000.00.00.H30'], 4003), ADMIN)
  t.like(w.registry.hostOf('001.00.00.H30'), { node: { peerId: peerIdOf(other) } })
  w.appendOp({ type: 'org.merge', from: ['000.00.00.H30'], into: '000.00.00.H29' }, ADMIN)
  // the closed code and everything under it now goes to the successor's host, and says so
  t.like(w.registry.hostOf('000.00.00.H30'), { node: { peerId: peerIdOf(province) }, code: '000.00.00.H29', redirected: true })
  t.like(w.registry.hostOf('001.00.00.H30'), { node: { peerId: peerIdOf(province) }, hostedCode: '000.00.00.H29' })
  // a retired code without successor has no host
  w.appendOp({ type: 'org.retire', code: '000.00.00.G01' }, ADMIN)
  t.is(w.registry.hostOf('000.00.00.G01'), undefined)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.update-orgs', peerId: peerIdOf(other), orgs: ['000.00.00.H30'] }, ADMIN), RegistryErrorCode.CODE_CLOSED)
})

test('services: offered by hosted, active organisations', (t) => {
  const w = setup()
  refusedUnchanged(t, w, () => w.appendOp({ type: 'service.upsert', id: 'edoc', org: '000.00.00.H29', name: 'Văn bản', protocol: '/lienthong/deliver/1.0.0' }, ADMIN), RegistryErrorCode.ORG_NOT_HOSTED)
  w.appendOp(admitOp(province, ['000.00.00.H29']), ADMIN)
  w.appendOp({ type: 'service.upsert', id: 'edoc', org: '000.00.05.H29', name: 'Văn bản', protocol: '/lienthong/deliver/1.0.0' }, ADMIN)
  w.appendOp({ type: 'service.upsert', id: 'edoc', org: '000.00.05.H29', name: 'Văn bản điện tử', description: 'edXML', protocol: '/lienthong/deliver/1.0.0' }, ADMIN)
  t.like(w.registry.getService('edoc'), { name: 'Văn bản điện tử', createdSeq: 8, updatedSeq: 9 })
  t.deepEqual(w.registry.listServices({ org: '000.00.05.H29' }).map(s => s.id), ['edoc'])
  refusedUnchanged(t, w, () => w.appendOp({ type: 'service.upsert', id: 'x', org: '000.00.00.H98', name: 'x', protocol: 'p' }, ADMIN), RegistryErrorCode.UNKNOWN_ORG)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'service.remove', id: 'nope' }, ADMIN), RegistryErrorCode.UNKNOWN_SERVICE)
  w.appendOp({ type: 'service.remove', id: 'edoc' }, ADMIN)
  t.deepEqual(w.registry.listServices(), [])
})

test('contacts of a node change with node.update-contacts, validated like at admission; the codes stay', (t) => {
  const w = setup()
  w.appendOp(admitOp(province, ['000.00.00.H29']), ADMIN)
  const contacts = { email: ['ttcntt@hochiminhcity.gov.vn'], phone: ['+84 28 3829 6052'] }
  w.appendOp({ type: 'node.update-contacts', peerId: peerIdOf(province), contacts }, ADMIN)
  const node = w.registry.getNode(peerIdOf(province))
  t.deepEqual({ email: [...node!.contacts.email], phone: [...node!.contacts.phone] }, contacts)
  t.deepEqual([...node!.orgs], ['000.00.00.H29'])
  t.is(node!.updatedSeq, w.registry.seq)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.update-contacts', peerId: peerIdOf(province), contacts: { email: ['not an address'], phone: [] } }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'node.update-contacts', peerId: peerIdOf(other), contacts }, ADMIN), RegistryErrorCode.UNKNOWN_NODE)
})
