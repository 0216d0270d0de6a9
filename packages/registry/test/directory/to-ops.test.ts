import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { RegistryWriter, directoryOps, nationalDirectorySnapshot } from '@lienthong/registry'

test('the national directory as signed log entries folds to the same directory as its history', (t) => {
  const writer = RegistryWriter.genesis(generateNodeKey(), { network: 'test' })
  writer.appendOps(directoryOps(), { actor: 'system', reason: 'national directory' })
  const registry = writer.registry

  const activeProvinces = registry.listOrgs({ status: 'active' }).filter((o) => o.kind === 'province')
  t.is(activeProvinces.length, 34)
  t.is(registry.listOrgs({ status: 'active' }).filter((o) => o.kind === 'ministry').length, 25)

  for (const unit of nationalDirectorySnapshot().units) {
    const org = registry.getOrg(unit.code)
    t.truthy(org, unit.code)
    t.is(org?.name, unit.name, unit.code)
    t.is(org?.status, unit.status, unit.code)
    t.is(org?.successor, unit.successor, unit.code)
    t.is(org?.source?.confidence, unit.confidence, unit.code)
  }
  const thaiBinh = registry.resolve('000.00.00.H54')
  t.is(thaiBinh?.org.name, 'Hưng Yên')
  t.true(thaiBinh?.redirected)
  t.is(registry.resolve('000.00.00.H29')?.org.name, 'Thành phố Hồ Chí Minh')
})
