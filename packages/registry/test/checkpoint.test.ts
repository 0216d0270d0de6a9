import test from 'ava'
import { encode } from 'cborg'
import {
  decodeCheckpoint, decodeSignedCheckpoint, encodeCheckpoint, encodeSignedCheckpoint, Registry, RegistryErrorCode,
  signCheckpoint, verifyCheckpointSignature
} from '@lienthong/registry'
import { ADMIN, newWriter, testKey, throwsCode } from './helpers.js'

const coordinator = testKey(1000)

test('a checkpoint names the head and round-trips on the wire', (t) => {
  const writer = newWriter(coordinator)
  writer.appendOp({ type: 'org.create', code: '000.00.00.G01', name: 'a' }, ADMIN)
  const signed = writer.checkpoint(1_760_000_000_000)
  const cp = decodeCheckpoint(signed.bytes)
  t.deepEqual(cp, { seq: 1, head: writer.registry.head, at: 1_760_000_000_000 })
  t.true(verifyCheckpointSignature(signed, coordinator.publicKey))
  t.false(verifyCheckpointSignature(signed, testKey(1).publicKey))
  t.deepEqual(decodeSignedCheckpoint(encodeSignedCheckpoint(signed)), signed)
  throwsCode(t, () => decodeSignedCheckpoint(encode([signed.bytes])), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeCheckpoint(encode({ seq: 1, head: new Uint8Array(31), at: 0 })), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeCheckpoint(encode({ seq: 1, head: new Uint8Array(32), at: 0, x: 1 })), RegistryErrorCode.MALFORMED)
  t.deepEqual(encodeCheckpoint(cp), signed.bytes)
})

test('a replica reports its lag, a fork and a forgery', (t) => {
  const writer = newWriter(coordinator)
  writer.appendOp({ type: 'org.create', code: '000.00.00.G01', name: 'a' }, ADMIN)
  writer.appendOp({ type: 'org.create', code: '000.00.00.G02', name: 'b' }, ADMIN)
  const replica = Registry.create({ coordinatorKey: coordinator.publicKey })
  replica.applyBatch(writer.registry.entriesAfter(-1, 2))
  t.like(replica.verifyCheckpoint(writer.checkpoint()), { valid: true, lag: 1 })
  t.like(writer.registry.verifyCheckpoint(writer.checkpoint()), { valid: true, lag: 0 })
  const fork = signCheckpoint(coordinator, { seq: 1, head: new Uint8Array(32).fill(9), at: 5 })
  t.like(replica.verifyCheckpoint(fork), { valid: false, code: RegistryErrorCode.CHECKPOINT_FORK })
  const forged = signCheckpoint(testKey(7), { seq: 1, head: replica.head, at: 5 })
  t.like(replica.verifyCheckpoint(forged), { valid: false, code: RegistryErrorCode.BAD_SIGNATURE })
  t.like(replica.verifyCheckpoint({ bytes: new Uint8Array([1, 2]), signature: new Uint8Array(64) }), { valid: false, code: RegistryErrorCode.MALFORMED })
})

test('only the current coordinator key checkpoints, and only a non-empty registry', (t) => {
  const empty = Registry.create({ coordinatorKey: coordinator.publicKey })
  throwsCode(t, () => empty.checkpoint(coordinator), RegistryErrorCode.EMPTY)
  const writer = newWriter(coordinator)
  throwsCode(t, () => writer.registry.checkpoint(testKey(3)), RegistryErrorCode.WRONG_KEY)
})
