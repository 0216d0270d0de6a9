import assert from 'node:assert/strict'
import test from 'ava'
import fc from 'fast-check'
import { isLienthongError } from '@lienthong/errors'
import {
  coordinatorRotationProof, Registry, RegistryErrorCode, registryInvariantViolations, type RegistryOp, type RegistryWriter
} from '@lienthong/registry'
import { admitOp, newWriter, peerIdOf, testKey } from './helpers.js'

// A small universe so that random operations often collide: valid and illegal ones both happen.
const CODES = ['000.00.00.H29', '000.00.00.H30', '000.00.00.H31', '000.00.05.H29', '001.00.05.H29', '000.00.00.G01', 'VN.TEST', 'VN.TEST.A']
const NODE_KEYS = [1, 2, 3].map(testKey)
const KNOWN_CODES = new Set<string>(Object.values(RegistryErrorCode))

type Command = { kind: 'op', op: RegistryOp } | { kind: 'rotate', valid: boolean }

const code = fc.constantFrom(...CODES, 'bad code')
const codes = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<string[]>(['000.00.00.H29'], ['000.00.00.G01'], ['000.00.05.H29']) },
  fc.constant<string[]>([]),
  fc.subarray(CODES, { maxLength: 2 })
)
const node = fc.nat({ max: NODE_KEYS.length - 1 })
const peer = node.map(i => peerIdOf(NODE_KEYS[i] as (typeof NODE_KEYS)[number]))
const name = fc.constantFrom('Hà Nội', 'Hà Tây', 'Sở Tư pháp', 'Văn phòng Chính phủ')

const opArb: fc.Arbitrary<RegistryOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('org.create' as const), code, name }, { requiredKeys: ['type', 'code', 'name'] }) },
  fc.record({ type: fc.constant('org.create' as const), code, name, parent: code }),
  fc.record({ type: fc.constant('org.update' as const), code, fields: fc.record({ kind: fc.constantFrom('province' as const, 'unit' as const) }) }),
  fc.record({ type: fc.constant('org.rename' as const), code, name }),
  { weight: 3, arbitrary: fc.record({ type: fc.constant('org.merge' as const), from: code.map(c => [c]), into: code }) },
  fc.record({ type: fc.constant('org.merge' as const), from: fc.subarray(CODES, { minLength: 1, maxLength: 3 }), into: code }),
  fc.record({ type: fc.constant('org.retire' as const), code }),
  fc.record({ type: fc.constant('org.retire' as const), code, successor: code }),
  { weight: 3, arbitrary: fc.tuple(node, codes).map(([i, orgs]) => admitOp(NODE_KEYS[i] as (typeof NODE_KEYS)[number], orgs, 4000 + i)) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('node.promote' as const), peerId: peer }) },
  fc.record({ type: fc.constant('node.suspend' as const), peerId: peer, reason: fc.constant('pause') }),
  fc.record({ type: fc.constant('node.resume' as const), peerId: peer }),
  { weight: 4, arbitrary: fc.record({ type: fc.constant('node.revoke' as const), peerId: peer, incident: fc.constant('INC-1') }) },
  { weight: 6, arbitrary: fc.record({ type: fc.constant('node.reinstate' as const), peerId: peer, remediation: fc.constantFrom({ summary: 'fixed' }, { summary: 'fixed' }, { summary: '' }), to: fc.constantFrom('trial' as const, 'official' as const) }) },
  fc.record({ type: fc.constant('node.update-orgs' as const), peerId: peer, orgs: codes }),
  fc.record({ type: fc.constant('node.update-addresses' as const), peerId: peer, addresses: fc.constantFrom('/ip4/10.0.0.1/tcp/1', 'bad').map(a => [a]) }),
  fc.tuple(node, node).map(([i, j]) => {
    const to = NODE_KEYS[j] as (typeof NODE_KEYS)[number]
    return { type: 'node.rotate-key' as const, peerId: peerIdOf(NODE_KEYS[i] as (typeof NODE_KEYS)[number]), newPeerId: peerIdOf(to), publicKey: to.publicKey, sealingPublicKey: to.sealingPublicKey }
  }),
  { weight: 4, arbitrary: fc.record({ type: fc.constant('service.upsert' as const), id: fc.constantFrom('edoc', 'status'), org: fc.oneof(fc.constantFrom('000.00.00.H29', '000.00.00.G01'), code), name, protocol: fc.constant('/lienthong/deliver/1.0.0') }) },
  fc.record({ type: fc.constant('service.remove' as const), id: fc.constantFrom('edoc', 'status') }),
  fc.record({ type: fc.constant('network.params' as const), heartbeatIntervalMs: fc.constantFrom(5, 15_000, 60_000) })
)

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 30, arbitrary: opArb.map(op => ({ kind: 'op' as const, op })) },
  { weight: 1, arbitrary: fc.boolean().map(valid => ({ kind: 'rotate' as const, valid })) }
)

function run (writer: RegistryWriter, command: Command, rotations: { n: number }): void {
  if (command.kind === 'op') {
    writer.appendOp(command.op, { actor: 'fuzz' })
    return
  }
  const next = testKey(5000 + rotations.n++)
  if (command.valid) {
    writer.rotateKey(next, { actor: 'fuzz' })
  } else {
    writer.appendOp({ type: 'coordinator.rotate-key', publicKey: next.publicKey, proof: coordinatorRotationProof(testKey(9999), writer.publicKey) }, { actor: 'fuzz' })
  }
}

test('random operations keep the invariants, refusals change nothing, and a replay gives the same state', (t) => {
  const applied = new Map<string, number>()
  const refusedCodes = new Set<string>()
  fc.assert(fc.property(fc.array(commandArb, { minLength: 20, maxLength: 50, size: 'max' }), (commands) => {
    const coordinator = testKey(1000)
    const writer = newWriter(coordinator)
    const rotations = { n: 0 }
    // Two level-1 units to start from, so that hosting and services get exercised often.
    writer.appendOps([
      { type: 'org.create', code: '000.00.00.H29', name: 'Hà Nội' },
      { type: 'org.create', code: '000.00.00.G01', name: 'Văn phòng Chính phủ' }
    ], { actor: 'fuzz' })
    for (const command of commands) {
      const before = writer.registry.state
      const copy = structuredClone(before)
      let refusal: unknown
      try {
        run(writer, command, rotations)
      } catch (err) {
        refusal = err
      }
      const type = command.kind === 'op' ? command.op.type : 'rotate'
      if (refusal === undefined) {
        applied.set(type, (applied.get(type) ?? 0) + 1)
        assert.equal(writer.registry.seq, before.seq + 1)
        assert.deepEqual(before, copy, 'an older snapshot changed')
        assert.deepEqual(registryInvariantViolations(writer.registry.state), [])
      } else {
        assert.ok(isLienthongError(refusal) && KNOWN_CODES.has(refusal.code), `unexpected refusal ${refusal instanceof Error ? refusal.message : typeof refusal}`)
        refusedCodes.add(refusal.code)
        assert.equal(writer.registry.state, before)
        assert.deepEqual(writer.registry.state, copy)
      }
    }
    const log = writer.registry.entriesAfter(-1)
    const batch = Registry.create({ coordinatorKey: coordinator.publicKey })
    batch.applyBatch(log)
    assert.deepEqual(batch.state, writer.registry.state)
    const oneByOne = Registry.create({ coordinatorKey: coordinator.publicKey, network: 'lienthong-test' })
    for (const e of log) oneByOne.applyEntry(e)
    assert.deepEqual(oneByOne.state, writer.registry.state)
  }), { numRuns: 100 })

  // The generator really exercised the state machine (both ways).
  for (const type of ['org.create', 'org.merge', 'org.retire', 'node.admit', 'node.promote', 'node.revoke', 'node.reinstate', 'service.upsert', 'rotate']) {
    t.true((applied.get(type) ?? 0) > 0, `no ${type} was applied`)
  }
  for (const code of [RegistryErrorCode.CODE_CLOSED, RegistryErrorCode.ORG_EXISTS, RegistryErrorCode.BAD_TRANSITION, RegistryErrorCode.REMEDIATION_REQUIRED, RegistryErrorCode.UNKNOWN_NODE, RegistryErrorCode.BAD_ROTATION_PROOF]) {
    t.true(refusedCodes.has(code), `no refusal with ${code}`)
  }
})
