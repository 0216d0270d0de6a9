import test from 'ava'
import {
  coordinatorRotationProof, Registry, RegistryErrorCode, RegistryWriter, signCheckpoint, signEntry
} from '@lienthong/registry'
import { ADMIN, newWriter, refusedUnchanged, testKey, throwsCode } from './helpers.js'

const oldKey = testKey(1000)
const newKey = testKey(2000)

test('after a rotation, entries are signed by the new key and replicas follow', (t) => {
  const writer = newWriter(oldKey)
  writer.appendOp({ type: 'org.create', code: '000.00.00.G01', name: 'Văn phòng Chính phủ' }, ADMIN)
  const rotation = writer.rotateKey(newKey, { actor: 'admin', reason: 'annual rotation' })
  t.is(rotation.entry.op.type, 'coordinator.rotate-key')
  writer.appendOp({ type: 'org.create', code: '000.00.00.G02', name: 'Bộ Tài chính' }, ADMIN)
  const state = writer.registry.state
  t.deepEqual(state.coordinatorKey, newKey.publicKey)
  t.deepEqual(state.coordinatorKeys.map(k => k.fromSeq), [0, 2])

  const replica = Registry.create({ coordinatorKey: oldKey.publicKey })
  for (const e of writer.registry.entriesAfter(-1)) replica.applyEntry(e)
  t.deepEqual(replica.state, state)
})

test('an old-key entry after the rotation is refused', (t) => {
  const writer = newWriter(oldKey)
  writer.rotateKey(newKey, ADMIN)
  const replica = Registry.create({ coordinatorKey: oldKey.publicKey })
  replica.applyBatch(writer.registry.entriesAfter(-1))
  const next = { seq: 2, prev: replica.head, at: replica.state.at + 1, actor: 'admin', op: { type: 'org.create' as const, code: '000.00.00.G03', name: 'x' } }
  const before = replica.state
  throwsCode(t, () => replica.applyEntry(signEntry(oldKey, next)), RegistryErrorCode.BAD_SIGNATURE)
  t.is(replica.state, before)
  replica.applyEntry(signEntry(newKey, next))
  t.is(replica.seq, 2)
  // the coordinator's own writer with the old key cannot append any more
  const stale = new RegistryWriter(writer.registry, oldKey)
  refusedUnchanged(t, writer, () => stale.appendOp({ type: 'org.create', code: '000.00.00.G04', name: 'y' }, ADMIN), RegistryErrorCode.WRONG_KEY)
  refusedUnchanged(t, writer, () => writer.registry.checkpoint(oldKey), RegistryErrorCode.WRONG_KEY)
})

test('a rotation without a valid proof is refused', (t) => {
  const writer = newWriter(oldKey)
  const third = testKey(3000)
  const proofs: Array<[string, Uint8Array]> = [
    ['signed by another key', coordinatorRotationProof(third, oldKey.publicKey)],
    ['over the wrong message', coordinatorRotationProof(newKey, newKey.publicKey)],
    ['all zeros', new Uint8Array(64)]
  ]
  for (const [, proof] of proofs) {
    refusedUnchanged(t, writer, () => writer.appendOp({ type: 'coordinator.rotate-key', publicKey: newKey.publicKey, proof }, ADMIN), RegistryErrorCode.BAD_ROTATION_PROOF)
  }
  refusedUnchanged(t, writer, () => writer.appendOp({ type: 'coordinator.rotate-key', publicKey: newKey.publicKey, proof: new Uint8Array(10) }, ADMIN), RegistryErrorCode.BAD_OP)
  refusedUnchanged(t, writer, () => writer.appendOp({
    type: 'coordinator.rotate-key', publicKey: oldKey.publicKey, proof: coordinatorRotationProof(oldKey, oldKey.publicKey)
  }, ADMIN), RegistryErrorCode.BAD_OP)
  t.deepEqual(writer.registry.state.coordinatorKey, oldKey.publicKey)
})

test('a rotation entry signed by the new key instead of the old one is refused', (t) => {
  const writer = newWriter(oldKey)
  const replica = Registry.create({ coordinatorKey: oldKey.publicKey })
  replica.applyBatch(writer.registry.entriesAfter(-1))
  const rotation = signEntry(newKey, {
    seq: 1, prev: replica.head, at: replica.state.at, actor: 'admin',
    op: { type: 'coordinator.rotate-key', publicKey: newKey.publicKey, proof: coordinatorRotationProof(newKey, oldKey.publicKey) }
  })
  throwsCode(t, () => replica.applyEntry(rotation), RegistryErrorCode.BAD_SIGNATURE)
  t.is(replica.seq, 0)
})

test('checkpoints are verified with the key in force at their seq', (t) => {
  const writer = newWriter(oldKey)
  writer.appendOp({ type: 'org.create', code: '000.00.00.G01', name: 'a' }, ADMIN)
  const before = writer.checkpoint()
  writer.rotateKey(newKey, ADMIN)
  const atRotation = writer.checkpoint()
  writer.appendOp({ type: 'org.create', code: '000.00.00.G02', name: 'b' }, ADMIN)
  const after = writer.checkpoint()
  const registry = writer.registry
  for (const cp of [before, atRotation, after]) t.true(registry.verifyCheckpoint(cp).valid)

  const head = (seq: number): Uint8Array => (registry.entry(seq) as { hash: Uint8Array }).hash
  const newKeyTooEarly = signCheckpoint(newKey, { seq: 1, head: head(1), at: 1 })
  const oldKeyTooLate = signCheckpoint(oldKey, { seq: 2, head: head(2), at: 1 })
  t.like(registry.verifyCheckpoint(newKeyTooEarly), { valid: false, code: RegistryErrorCode.BAD_SIGNATURE })
  t.like(registry.verifyCheckpoint(oldKeyTooLate), { valid: false, code: RegistryErrorCode.BAD_SIGNATURE })

  // A replica that has not seen the rotation yet can check older checkpoints, not newer ones:
  // it has to sync first (the rotation entry is signed by the key it knows).
  const behind = Registry.create({ coordinatorKey: oldKey.publicKey })
  behind.applyBatch(registry.entriesAfter(-1, 2))
  t.like(behind.verifyCheckpoint(before), { valid: true, lag: 0 })
  t.like(behind.verifyCheckpoint(after), { valid: false, code: RegistryErrorCode.BAD_SIGNATURE })
  behind.applyBatch(registry.entriesAfter(behind.seq))
  t.like(behind.verifyCheckpoint(after), { valid: true, lag: 0 })
})
