import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { parseOp, RegistryWriter } from '@lienthong/registry'
import {
  createJoinRequest, createPauseRequest, joinRequestOps, MembershipErrorCode, pauseRequestOp, registryNodeState
} from '@lienthong/membership'
import { failure, joinInit, NETWORK, NOW } from './helpers.js'

function registry (): RegistryWriter {
  const writer = RegistryWriter.genesis(generateNodeKey(), { network: NETWORK, at: NOW })
  writer.appendOps([
    { type: 'org.create', code: '000.00.00.H29', name: 'UBND thành phố Hà Nội' },
    { type: 'org.create', code: '000.00.00.G01', name: 'Văn phòng Chính phủ' },
    { type: 'org.create', code: '000.00.00.H30', name: 'UBND tỉnh Hà Tĩnh' }
  ], { actor: 'admin', at: NOW })
  return writer
}

test('an approved join request becomes node.admit (trial) plus its services; a pause becomes node.suspend', t => {
  const writer = registry()
  const key = generateNodeKey()
  const request = createJoinRequest(key, joinInit(key)).request
  const nodeState = registryNodeState(() => writer.registry.state)
  t.is(nodeState(request.peerId), undefined)
  const ops = joinRequestOps(request, writer.registry.state)
  t.deepEqual(ops.map(op => op.type), ['node.admit', 'service.upsert'])
  for (const op of ops) t.deepEqual(parseOp(op), op)
  writer.appendOps(ops, { actor: 'ops', reason: 'join request approved', at: NOW })
  const node = writer.registry.state.nodes.get(request.peerId)
  t.like(node, { state: 'trial', orgs: request.orgs, addresses: request.addresses })
  t.deepEqual(node?.publicKey, request.publicKey)
  t.like(writer.registry.state.services.get('hanoi.dvc'), { org: '000.00.00.H29', name: 'Dịch vụ công' })
  t.is(nodeState(request.peerId), 'trial')

  const pause = createPauseRequest(key, { network: NETWORK, reason: 'Bảo trì', createdAt: NOW }).request
  const suspend = pauseRequestOp(pause)
  t.deepEqual(parseOp(suspend), suspend)
  writer.appendOp(suspend, { actor: 'ops', at: NOW })
  t.is(nodeState(request.peerId), 'suspended')
  t.is(writer.registry.state.nodes.get(request.peerId)?.history.at(-1)?.pauseReason, 'Bảo trì')
})

test('a declared service id that belongs to an organisation the applicant does not host is refused', t => {
  const writer = registry()
  const first = generateNodeKey()
  writer.appendOps(joinRequestOps(createJoinRequest(first, joinInit(first, { orgs: ['000.00.00.H30'], services: [] })).request), { actor: 'ops', at: NOW })
  writer.appendOp({ type: 'service.upsert', id: 'hanoi.dvc', org: '000.00.00.H30', name: 'taken', protocol: '/p' }, { actor: 'ops', at: NOW })
  const key = generateNodeKey()
  const request = createJoinRequest(key, joinInit(key)).request
  t.like(failure(() => joinRequestOps(request, writer.registry.state)), { code: MembershipErrorCode.SERVICE_CONFLICT })
  t.throws(() => registryNodeState(null as never), { instanceOf: TypeError })
})
