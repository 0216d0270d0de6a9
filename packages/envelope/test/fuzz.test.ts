import test from 'ava'
import fc from 'fast-check'
import { encode } from 'cborg'
import { isLienthongError } from '@lienthong/errors'
import { EnvelopeKey, ReceiptKey, createReceipt, decodeEnvelope, decodeReceipt, encodeEnvelope, encodeReceipt } from '@lienthong/envelope'
import { build, envelopeCase, sampleEnvelope, seedKey } from './arbitraries.js'

type Outcome = 'decoded' | 'typed-error' | 'crash'

/** Decoding must either succeed or throw a typed error of its own family: never anything else. */
function outcome (decodeFn: (b: Uint8Array) => unknown, family: string, bytes: Uint8Array): Outcome {
  try {
    decodeFn(bytes)
    return 'decoded'
  } catch (err) {
    return isLienthongError(err) && err.code.startsWith(family) ? 'typed-error' : 'crash'
  }
}

const neverCrashes = (bytes: Uint8Array): boolean =>
  outcome(decodeEnvelope, 'envelope-', bytes) !== 'crash' && outcome(decodeReceipt, 'receipt-', bytes) !== 'crash'

// Arbitrary CBOR data model values (what cborg can encode), nested a few levels.
const { value: cborValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 80 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.array(fc.tuple(fc.integer({ min: -2, max: 20 }), tie('value')), { maxLength: 14 }).map((entries) => new Map(entries)),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 })
  )
}))

test('arbitrary bytes never crash the decoders', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), neverCrashes), { numRuns: 2000 })
  t.pass()
})

test('arbitrary bytes behind a valid array prefix never crash the decoders', (t) => {
  const prefixes = [[0x83], [0x82], [0x83, 0x58], [0x82, 0x58], [0x83, 0x40, 0x58, 0x40]]
  fc.assert(fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 300 }), (prefix, rest) =>
    neverCrashes(Uint8Array.from([...prefix, ...rest]))), { numRuns: 1000 })
  t.pass()
})

test('arbitrary CBOR values never crash the decoders', (t) => {
  fc.assert(fc.property(cborValue, (value) => neverCrashes(encode(value))), { numRuns: 1000 })
  t.pass()
})

test('arbitrary header maps inside a well-formed frame never crash the decoders', (t) => {
  const headerMap = fc.array(fc.tuple(fc.integer({ min: 0, max: 13 }), cborValue), { maxLength: 14 }).map((entries) => new Map(entries))
  fc.assert(fc.property(headerMap, fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.option(fc.uint8Array({ maxLength: 40 })), (map, sig, payload) => {
    const header = encode(map)
    return neverCrashes(encode([header, sig, payload])) && neverCrashes(encode([header, sig]))
  }), { numRuns: 1000 })
  t.pass()
})

test('one field of a valid header replaced by an arbitrary value never crashes the decoders', (t) => {
  const env = sampleEnvelope({ reference: '01JGFJJZ000000000000000000' })
  const receipt = createReceipt(env, seedKey(4), { now: env.header.createdAt })
  const envelopeFields = Object.entries(EnvelopeKey)
  const receiptFields = Object.entries(ReceiptKey)
  fc.assert(fc.property(fc.nat(), cborValue, fc.boolean(), (which, value, drop) => {
    const [name, key] = envelopeFields[which % envelopeFields.length] ?? ['version', 0]
    const fields = new Map<number, unknown>(envelopeFields.map(([n, k]) => [k, (env.header as unknown as Record<string, unknown>)[n]]))
    if (drop) fields.delete(key); else fields.set(key, value)
    const envBytes = encode([encode(fields), env.signature, env.payload])
    const [rName, rKey] = receiptFields[which % receiptFields.length] ?? ['version', 0]
    const rFields = new Map<number, unknown>(receiptFields.map(([n, k]) => [k, (receipt.header as unknown as Record<string, unknown>)[n]]))
    if (drop) rFields.delete(rKey); else rFields.set(rKey, value)
    const receiptBytes = encode([encode(rFields), receipt.signature])
    return name !== '' && rName !== '' && neverCrashes(envBytes) && neverCrashes(receiptBytes)
  }), { numRuns: 1000 })
  t.pass()
})

test('every truncation of a valid envelope or receipt is refused as malformed', (t) => {
  const env = encodeEnvelope(sampleEnvelope({}, new Uint8Array(100).fill(1)))
  const receipt = encodeReceipt(createReceipt(decodeEnvelope(env), seedKey(4)))
  const codes = new Set<string>()
  for (let n = 0; n < env.length; n++) {
    try {
      decodeEnvelope(env.subarray(0, n))
      t.fail(`prefix ${n} decoded`)
    } catch (err) {
      codes.add(isLienthongError(err) ? err.code : 'crash')
    }
  }
  for (let n = 0; n < receipt.length; n++) {
    try {
      decodeReceipt(receipt.subarray(0, n))
      t.fail(`prefix ${n} decoded`)
    } catch (err) {
      codes.add(isLienthongError(err) ? err.code : 'crash')
    }
  }
  t.deepEqual([...codes].sort(), ['envelope-malformed', 'receipt-malformed'])
})

test('truncations and extensions of random envelopes never crash and never decode', (t) => {
  fc.assert(fc.property(envelopeCase, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (c, cut, extra) => {
    const wire = encodeEnvelope(build(c))
    const truncated = outcome(decodeEnvelope, 'envelope-', wire.subarray(0, cut % wire.length))
    const extended = outcome(decodeEnvelope, 'envelope-', Uint8Array.from([...wire, ...extra]))
    return truncated === 'typed-error' && extended === 'typed-error'
  }), { numRuns: 200 })
  t.pass()
})
