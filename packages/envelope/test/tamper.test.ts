import test from 'ava'
import fc from 'fast-check'
import { isLienthongError } from '@lienthong/errors'
import {
  createReceipt, decodeEnvelope, decodeReceipt, encodeEnvelope, encodeReceipt, verifyEnvelope, verifyReceipt
} from '@lienthong/envelope'
import { build, envelopeCase, sampleEnvelope, seedKey } from './arbitraries.js'

function flip (bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  out[bit >>> 3] = (out[bit >>> 3] ?? 0) ^ (1 << (bit & 7))
  return out
}

/** True when the tampered envelope is refused: a typed decode error, or verification fails. */
// Refused means: decoding throws a typed error of the right family, or verification fails.
// (Assertions are not made per bit: ava's are slow, and thousands of bits are checked.)
function envelopeRefused (bytes: Uint8Array, now: number, payload?: Uint8Array): boolean {
  try {
    const env = decodeEnvelope(bytes)
    return !verifyEnvelope(env, { now, payload }).ok
  } catch (err) {
    return isLienthongError(err) && err.code.startsWith('envelope-')
  }
}

function receiptRefused (bytes: Uint8Array): boolean {
  try {
    return !verifyReceipt(decodeReceipt(bytes)).ok
  } catch (err) {
    return isLienthongError(err) && err.code.startsWith('receipt-')
  }
}

function unnoticedFlips (wire: Uint8Array, refused: (bytes: Uint8Array) => boolean): number[] {
  const missed: number[] = []
  for (let bit = 0; bit < wire.length * 8; bit++) if (!refused(flip(wire, bit))) missed.push(bit)
  return missed
}

test('every single bit flip of an inline envelope is detected (exhaustive)', (t) => {
  const now = Date.UTC(2025, 5, 1)
  const wire = encodeEnvelope(sampleEnvelope({}, new Uint8Array(8).fill(5), now))
  t.deepEqual(unnoticedFlips(wire, (b) => envelopeRefused(b, now)), [])
  t.true(verifyEnvelope(decodeEnvelope(wire), { now }).ok)
})

test('every single bit flip of a detached envelope is detected (exhaustive)', (t) => {
  const now = Date.UTC(2025, 5, 1)
  const payload = new Uint8Array(8).fill(5)
  const wire = encodeEnvelope(sampleEnvelope({ kind: 'status', reference: '01JGFJJZ000000000000000000' }, payload, now), { detachPayload: true })
  t.deepEqual(unnoticedFlips(wire, (b) => envelopeRefused(b, now, payload)), [])
  t.true(verifyEnvelope(decodeEnvelope(wire), { now, payload }).ok)
})

test('every single bit flip of a receipt is detected (exhaustive)', (t) => {
  const receipt = createReceipt(sampleEnvelope(), seedKey(7), { now: Date.UTC(2025, 5, 1, 0, 1) })
  const wire = encodeReceipt(receipt)
  t.deepEqual(unnoticedFlips(wire, receiptRefused), [])
  t.true(verifyReceipt(decodeReceipt(wire)).ok)
})

test('a flipped bit at a random position of a random envelope is detected (property)', (t) => {
  fc.assert(fc.property(envelopeCase, fc.nat(), (c, position) => {
    const wire = encodeEnvelope(build(c))
    const bit = position % (wire.length * 8)
    return envelopeRefused(flip(wire, bit), c.createdAt, c.detached ? c.payload : undefined)
  }), { numRuns: 300 })
  t.pass()
})

test('a flipped bit at a random position of a random receipt is detected (property)', (t) => {
  fc.assert(fc.property(envelopeCase, fc.nat(), fc.integer({ min: 1, max: 9 }), (c, position, seed) => {
    const wire = encodeReceipt(createReceipt(build(c), seedKey(seed), { now: c.createdAt }))
    return receiptRefused(flip(wire, position % (wire.length * 8)))
  }), { numRuns: 300 })
  t.pass()
})
