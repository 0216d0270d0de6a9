import test from 'ava'
import fc from 'fast-check'
import { decodeCanonicalCbor, encodeCbor } from '@lienthong/codec'

class Refused extends Error {}
const fail = (reason: string): never => { throw new Refused(reason) }

test('round trip, and a non-canonical encoding of the same value is refused', (t) => {
  const value = { b: 2, a: [1, 'x', new Uint8Array([7])] }
  const bytes = encodeCbor(value)
  t.deepEqual(decodeCanonicalCbor(bytes, 'thing', 1024, fail), value)
  // Map keys out of canonical order: {"b":2,"a":1} written by hand (a2 61 62 02 61 61 01).
  t.throws(() => decodeCanonicalCbor(Uint8Array.from([0xa2, 0x61, 0x62, 0x02, 0x61, 0x61, 0x01]), 'thing', 1024, fail), { instanceOf: Refused, message: /canonical/ })
  // A non-shortest integer (0x18 0x01 for 1).
  t.throws(() => decodeCanonicalCbor(Uint8Array.from([0x18, 0x01]), 'thing', 1024, fail), { instanceOf: Refused })
  t.throws(() => decodeCanonicalCbor(bytes, 'thing', 2, fail), { instanceOf: Refused, message: /larger/ })
})

test('arbitrary bytes only ever go through fail', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    try {
      decodeCanonicalCbor(bytes, 'thing', 1024, fail)
    } catch (err) {
      if (!(err instanceof Refused)) throw err
    }
  }), { numRuns: 500 })
  t.pass()
})
