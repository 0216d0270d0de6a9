import { LengthPrefixedDecoder } from '@libp2p/utils'
import test from 'ava'
import fc from 'fast-check'
import { generateNodeKey } from '@lienthong/crypto'
import { createEnvelope, encodeEnvelope } from '@lienthong/envelope'
import { isLienthongError } from '@lienthong/errors'
import {
  FrameType, decodeAck, decodeCode, decodeFrame, encodeAckFrame, encodeCodeFrame, encodeFrame, envelopePayloadMode, type Frame
} from '../../src/deliver/frames.js'
import { INIT } from './fixtures.js'

const TYPES = Object.values(FrameType)

/** Strip the length prefix with the decoder the receiver uses. */
function body (frame: Uint8Array): Uint8Array {
  const bodies = [...new LengthPrefixedDecoder({ maxDataLength: frame.length }).decode(frame)].map(b => b.subarray())
  if (bodies.length !== 1 || bodies[0] === undefined) throw new Error('expected exactly one frame')
  return bodies[0]
}

test('frames round-trip through the length-prefixed decoder (property)', t => {
  fc.assert(fc.property(
    fc.constantFrom(...TYPES),
    fc.oneof(fc.nat(300), fc.maxSafeNat()),
    fc.uint8Array({ minLength: 1, maxLength: 600 }),
    (type, seq, data) => {
      const payload = type === FrameType.PAYLOAD_END ? new Uint8Array(0) : data
      const frame: Frame = decodeFrame(body(encodeFrame(type, seq, payload)))
      return frame.type === type && frame.seq === seq && Buffer.from(frame.data).equals(payload)
    }
  ), { numRuns: 300 })
  t.is(decodeAck(decodeFrame(body(encodeAckFrame(7, 2 ** 40 + 3))).data), 2 ** 40 + 3)
  t.is(decodeCode(decodeFrame(body(encodeCodeFrame(FrameType.REFUSED, 1, 'envelope-bad-signature'))).data), 'envelope-bad-signature')
})

test('decodeFrame refuses any malformed body with delivery-bad-frame only (property)', t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
    try {
      const frame = decodeFrame(bytes)
      return TYPES.includes(frame.type) && Number.isSafeInteger(frame.seq)
    } catch (err) {
      return isLienthongError(err, 'delivery-bad-frame')
    }
  }), { numRuns: 1000 })
  for (const bad of [
    [], [0x00, 0x00, 0x01], [0x7f, 0x00], [0x01], [0x01, 0x80], [0x01, 0x80, 0x00, 0x05], // empty, unknown type, no seq, non-minimal seq
    [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x01], // seq above 2^53
    [0x01, 0x00], [0x02, 0x00], [0x03, 0x00, 0x01], [0x84, 0x00] // empty envelope / chunk, end with data, empty ack
  ]) {
    t.throws(() => decodeFrame(Uint8Array.from(bad)), { code: 'delivery-bad-frame' }, `body ${bad.join(',')}`)
  }
  for (const code of [new Uint8Array(0), new TextEncoder().encode('Not-A-Code'), new Uint8Array(101).fill(0x61), Uint8Array.from([0xff, 0xfe])]) {
    t.throws(() => decodeCode(code), { code: 'delivery-bad-frame' })
  }
  t.throws(() => decodeAck(Uint8Array.from([0x05, 0x00])), { code: 'delivery-bad-frame' })
})

test('envelopePayloadMode reads inline / detached from the outer CBOR array, never throws (property)', t => {
  const key = generateNodeKey()
  for (const size of [0, 1, 23, 24, 255, 256, 65_536, 70_000]) {
    const env = createEnvelope(INIT, key, new Uint8Array(size))
    t.is(envelopePayloadMode(encodeEnvelope(env)), 'inline', `inline ${size}`)
    t.is(envelopePayloadMode(encodeEnvelope(env, { detachPayload: true })), 'detached', `detached ${size}`)
  }
  const wire = encodeEnvelope(createEnvelope(INIT, key, new Uint8Array(10)))
  t.is(envelopePayloadMode(wire.subarray(0, wire.length - 1)), undefined)
  t.is(envelopePayloadMode(Uint8Array.from([...wire, 0])), undefined)
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    const mode = envelopePayloadMode(Uint8Array.from([0x83, ...bytes]))
    return mode === undefined || mode === 'inline' || mode === 'detached'
  }), { numRuns: 1000 })
})
