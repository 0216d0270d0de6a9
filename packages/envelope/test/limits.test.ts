import test from 'ava'
import type { LienthongError } from '@lienthong/errors'
import { DEFAULT_MAX_PAYLOAD_BYTES, createEnvelope, decodeEnvelope, encodeEnvelope } from '@lienthong/envelope'
import { sampleEnvelope, seedKey } from './arbitraries.js'
import { concat, hex, rawEnvelope, validFields } from './raw.js'

const NOW = Date.UTC(2025, 5, 1)
const init = { kind: 'document' as const, senderOrg: '000.00.00.G01', recipients: ['000.00.00.H29'], contentType: 'application/pdf' }

test('a header larger than maxHeaderBytes is refused, when built and when decoded', (t) => {
  const env = sampleEnvelope()
  const size = env.headerBytes.length
  t.notThrows(() => decodeEnvelope(encodeEnvelope(env), { maxHeaderBytes: size }))
  const err = t.throws<LienthongError>(() => decodeEnvelope(encodeEnvelope(env), { maxHeaderBytes: size - 1 }), { code: 'envelope-too-large' })
  t.deepEqual(err?.meta, { what: 'header', size, limit: size - 1 })
  t.throws(() => createEnvelope(init, seedKey(1), new Uint8Array(1), { now: NOW, limits: { maxHeaderBytes: 50 } }), { code: 'envelope-too-large' })
})

test('the header limit is checked from the length prefix, before the bytes are there', (t) => {
  // Declares a 1 MiB header but carries 3 bytes: too large, not merely truncated.
  const bytes = concat(hex('83 5a 00 10 00 00'), hex('a0 a0 a0'))
  t.throws(() => decodeEnvelope(bytes), { code: 'envelope-too-large' })
})

test('a payload larger than maxPayloadBytes is refused: inline, detached and when built', (t) => {
  const env = sampleEnvelope({}, new Uint8Array(1000))
  t.notThrows(() => decodeEnvelope(encodeEnvelope(env), { maxPayloadBytes: 1000 }))
  const inline = t.throws<LienthongError>(() => decodeEnvelope(encodeEnvelope(env), { maxPayloadBytes: 999 }), { code: 'envelope-too-large' })
  t.is(inline?.meta.what, 'payload')
  // Detached: the header's declared length is what counts.
  t.throws(() => decodeEnvelope(encodeEnvelope(env, { detachPayload: true }), { maxPayloadBytes: 999 }), { code: 'envelope-too-large' })
  const huge = createEnvelope(init, seedKey(1), { hash: new Uint8Array(32), length: DEFAULT_MAX_PAYLOAD_BYTES + 1 }, { now: NOW, limits: { maxPayloadBytes: Number.MAX_SAFE_INTEGER } })
  t.throws(() => decodeEnvelope(encodeEnvelope(huge)), { code: 'envelope-too-large' })
  t.is(decodeEnvelope(encodeEnvelope(huge), { maxPayloadBytes: Number.MAX_SAFE_INTEGER }).header.payloadLength, DEFAULT_MAX_PAYLOAD_BYTES + 1)
  t.throws(() => createEnvelope(init, seedKey(1), { hash: new Uint8Array(32), length: DEFAULT_MAX_PAYLOAD_BYTES + 1 }, { now: NOW }), { code: 'envelope-too-large' })
  t.throws(() => createEnvelope(init, seedKey(1), new Uint8Array(11), { now: NOW, limits: { maxPayloadBytes: 10 } }), { code: 'envelope-too-large' })
  // A declared inline payload beyond the limit is refused from its prefix (4 GiB claimed, none sent).
  const prefix = encodeEnvelope(env, { detachPayload: true }).subarray(0, -1)
  t.throws(() => decodeEnvelope(concat(prefix, hex('5b 00 00 00 01 00 00 00 00')), { maxPayloadBytes: 1000 }), { code: 'envelope-too-large' })
})

test('payload lengths beyond Number.MAX_SAFE_INTEGER cannot be expressed', (t) => {
  t.throws(() => createEnvelope(init, seedKey(1), { hash: new Uint8Array(32), length: Number.MAX_SAFE_INTEGER + 1 }, { now: NOW, limits: { maxPayloadBytes: Number.MAX_SAFE_INTEGER } }), { code: 'envelope-bad-field' })
  // 2^53 as a uint64 in the header: the strict decoder refuses the bigint.
  const f = validFields()
  const bytes = rawEnvelope({ ...f, payloadLength: 2 ** 52 })
  const at = Buffer.from(bytes).indexOf(Buffer.from('0b1b0010000000000000', 'hex'))
  t.true(at > 0)
  const patched = Uint8Array.from(bytes)
  patched[at + 2] = 0x20 // 2^53
  t.throws(() => decodeEnvelope(patched, { maxPayloadBytes: Number.MAX_SAFE_INTEGER }), { code: 'envelope-malformed' })
})

test('limits must be non-negative integers (a programmer mistake otherwise)', (t) => {
  const wire = encodeEnvelope(sampleEnvelope())
  t.throws(() => decodeEnvelope(wire, { maxPayloadBytes: -1 }), { instanceOf: RangeError })
  t.throws(() => decodeEnvelope(wire, { maxHeaderBytes: 1.5 }), { instanceOf: RangeError })
  t.throws(() => decodeEnvelope('x' as unknown as Uint8Array), { instanceOf: TypeError })
})
