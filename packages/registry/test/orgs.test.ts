import test from 'ava'
import { foldText, isNationalOrgCode, isOrgCode, nationalOrgLevel, RegistryErrorCode, structuralAncestors } from '@lienthong/registry'
import { ADMIN, newWriter, refusedUnchanged } from './helpers.js'

const create = (code: string, name: string): { type: 'org.create', code: string, name: string } => ({ type: 'org.create', code, name })

test('organisation codes: the national format and the long form', (t) => {
  for (const code of ['000.00.00.H29', '000.00.00.G01', '001.02.03.K45', 'ABC', 'VN.DN.0101234567', 'A'.repeat(35)]) t.true(isOrgCode(code), code)
  for (const code of ['', 'h29', '000.00.00.h29', '000..00.H29', '.A', 'A.', 'A'.repeat(36), 'A B', 'Ă', 29]) t.false(isOrgCode(code), String(code))
  t.true(isNationalOrgCode('000.00.00.H29'))
  t.false(isNationalOrgCode('VN.DN.0101'))
  t.deepEqual(['000.00.00.H29', '000.00.05.H29', '000.03.05.H29', '001.03.05.H29'].map(nationalOrgLevel), [1, 2, 3, 4])
  t.deepEqual(structuralAncestors('001.03.05.H29'), ['000.03.05.H29', '000.00.05.H29', '000.00.00.H29'])
  t.deepEqual(structuralAncestors('000.00.05.H29'), ['000.00.00.H29'])
  t.deepEqual(structuralAncestors('000.00.00.H29'), [])
  t.is(foldText('Ủy ban nhân dân Đà Nẵng'), 'uy ban nhan dan da nang')
})

test('create, update, rename: history and aliases', (t) => {
  const w = newWriter()
  w.appendOp({ ...create('000.00.00.H29', 'UBND thành phố Hà Nội'), kind: 'province', source: { confidence: 'V', refs: ['QĐ 09/2025'] } }, ADMIN)
  w.appendOp({ type: 'org.update', code: '000.00.00.H29', fields: { aliases: ['Hà Nội'] } }, { actor: 'op', reason: 'add alias' })
  w.appendOp({ type: 'org.rename', code: '000.00.00.H29', name: 'Ủy ban nhân dân thành phố Hà Nội' }, ADMIN)
  const org = w.registry.getOrg('000.00.00.H29')
  t.like(org, { level: 1, kind: 'province', status: 'active', name: 'Ủy ban nhân dân thành phố Hà Nội', source: { confidence: 'V' } })
  t.deepEqual(org?.aliases, ['Hà Nội', 'UBND thành phố Hà Nội'])
  t.deepEqual(org?.history.map(h => h.change), ['created', 'updated', 'renamed'])
  t.like(org?.history[1], { actor: 'op', reason: 'add alias', fields: ['aliases'] })
  t.like(org?.history[2], { name: 'UBND thành phố Hà Nội' })
  t.deepEqual(w.registry.listOrgs({ q: 'HA NOI' }).map(o => o.code), ['000.00.00.H29'])
  t.deepEqual(w.registry.listOrgs({ q: 'ubnd thanh pho' }).map(o => o.code), ['000.00.00.H29'])
  t.deepEqual(w.registry.listOrgs({ q: 'H29' }).map(o => o.code), ['000.00.00.H29'])
  t.deepEqual(w.registry.listOrgs({ q: 'Đà Nẵng' }), [])
  refusedUnchanged(t, w, () => w.appendOp(create('000.00.00.H29', 'again'), ADMIN), RegistryErrorCode.ORG_EXISTS)
  refusedUnchanged(t, w, () => w.appendOp(create('000.00.00.h29', 'x'), ADMIN), RegistryErrorCode.BAD_ORG_CODE)
  refusedUnchanged(t, w, () => w.appendOp({ ...create('000.00.01.H29', 'x'), parent: '000.00.00.H99' }, ADMIN), RegistryErrorCode.UNKNOWN_ORG)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.rename', code: '000.00.00.H99', name: 'x' }, ADMIN), RegistryErrorCode.UNKNOWN_ORG)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.update', code: '000.00.00.H29', fields: {} }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.update', code: '000.00.00.H29', fields: { name: 'x' } as never }, ADMIN), RegistryErrorCode.BAD_OP)
})

test('merge (2025 rule): the successor keeps its code, the others are closed and resolve to it', (t) => {
  const w = newWriter()
  for (const [code, name] of [['000.00.00.H29', 'Hà Nội'], ['000.00.00.H30', 'Hà Tây'], ['000.00.00.H31', 'Vĩnh Phúc'], ['000.00.00.H40', 'Phú Thọ']]) {
    w.appendOp(create(code as string, name as string), ADMIN)
  }
  w.appendOp({ type: 'org.merge', from: ['000.00.00.H30'], into: '000.00.00.H29', at: 1_214_870_400_000 }, ADMIN)
  w.appendOp({ type: 'org.merge', from: ['000.00.00.H31'], into: '000.00.00.H40', name: 'Tỉnh Phú Thọ (mới)' }, ADMIN)
  w.appendOp({ type: 'org.merge', from: ['000.00.00.H40'], into: '000.00.00.H29' }, ADMIN)
  const r = w.registry
  t.like(r.getOrg('000.00.00.H30'), { status: 'retired', successor: '000.00.00.H29', validTo: 1_214_870_400_000 })
  t.like(r.resolve('000.00.00.H31'), { org: { code: '000.00.00.H29' }, via: ['000.00.00.H31', '000.00.00.H40', '000.00.00.H29'], redirected: true })
  t.like(r.resolve('000.00.00.H29'), { via: ['000.00.00.H29'], redirected: false })
  t.is(r.resolve('000.00.00.H77'), undefined)
  t.deepEqual(r.getOrg('000.00.00.H29')?.predecessors, ['000.00.00.H30', '000.00.00.H40'])
  t.deepEqual(r.getOrg('000.00.00.H40')?.aliases, ['Phú Thọ'])
  t.true(r.state.closedCodes.has('000.00.00.H31'))
  t.deepEqual(r.listOrgs({ status: 'active' }).map(o => o.code), ['000.00.00.H29'])

  // a closed code is never reissued, changed, or merged again
  refusedUnchanged(t, w, () => w.appendOp(create('000.00.00.H30', 'Hà Tây again'), ADMIN), RegistryErrorCode.CODE_CLOSED)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.rename', code: '000.00.00.H30', name: 'x' }, ADMIN), RegistryErrorCode.CODE_CLOSED)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.merge', from: ['000.00.00.H30'], into: '000.00.00.H29' }, ADMIN), RegistryErrorCode.CODE_CLOSED)
  // merge into a retired or unknown target
  w.appendOp(create('000.00.00.H50', 'x'), ADMIN)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.merge', from: ['000.00.00.H50'], into: '000.00.00.H40' }, ADMIN), RegistryErrorCode.MERGE_TARGET_RETIRED)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.merge', from: ['000.00.00.H50'], into: '000.00.00.H98' }, ADMIN), RegistryErrorCode.UNKNOWN_ORG)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.merge', from: ['000.00.00.H97'], into: '000.00.00.H29' }, ADMIN), RegistryErrorCode.UNKNOWN_ORG)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.merge', from: ['000.00.00.H29'], into: '000.00.00.H29' }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.merge', from: ['000.00.00.H50', '000.00.00.H50'], into: '000.00.00.H29' }, ADMIN), RegistryErrorCode.BAD_OP)
})

test('retire: with a successor it redirects; codes redirected here need a successor', (t) => {
  const w = newWriter()
  for (const code of ['000.00.00.G01', '000.00.00.G02', '000.00.00.G03', '000.00.00.G04']) w.appendOp(create(code, code), ADMIN)
  w.appendOp({ type: 'org.retire', code: '000.00.00.G01', successor: '000.00.00.G02' }, ADMIN)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.retire', code: '000.00.00.G02' }, ADMIN), RegistryErrorCode.SUCCESSOR_REQUIRED)
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.retire', code: '000.00.00.G03', successor: '000.00.00.G01' }, ADMIN), RegistryErrorCode.MERGE_TARGET_RETIRED)
  w.appendOp({ type: 'org.retire', code: '000.00.00.G02', successor: '000.00.00.G03' }, ADMIN)
  w.appendOp({ type: 'org.retire', code: '000.00.00.G04' }, ADMIN)
  t.like(w.registry.resolve('000.00.00.G01'), { org: { code: '000.00.00.G03' }, redirected: true })
  t.like(w.registry.resolve('000.00.00.G04'), { org: { code: '000.00.00.G04', status: 'retired' }, redirected: false })
  refusedUnchanged(t, w, () => w.appendOp({ type: 'org.retire', code: '000.00.00.G04' }, ADMIN), RegistryErrorCode.CODE_CLOSED)
  refusedUnchanged(t, w, () => w.appendOp({ ...create('000.00.01.G04', 'child of a closed unit'), parent: '000.00.00.G04' }, ADMIN), RegistryErrorCode.CODE_CLOSED)
})
