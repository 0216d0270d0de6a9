import test from 'ava'
import fc from 'fast-check'
import { decode, encode, type DecodeOptions } from 'cborg'
import { decodeCanonicalMap, encodeMap } from '../src/cbor.js'
import { encodePlainMap } from '../src/cbor-plain.js'
import { sampleEnvelope } from './arbitraries.js'
import { headerOf, validFields } from './raw.js'

// The definition decodeCanonicalMap implements (its shortcut must never disagree): a strict
// decode to a map whose cborg re-encoding is the very same bytes.
const STRICT: DecodeOptions = {
  strict: true, useMaps: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false,
  allowNaN: false, allowInfinity: false, allowBigInt: false, tags: {}
}
function reference (bytes: Uint8Array): boolean {
  try {
    const value: unknown = decode(bytes, STRICT)
    return value instanceof Map && Buffer.from(encode(value)).equals(bytes)
  } catch {
    return false
  }
}
function accepted (bytes: Uint8Array): boolean {
  try {
    decodeCanonicalMap(bytes)
    return true
  } catch {
    return false
  }
}

const { value: cborValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.constantFrom(0, 23, 24, 255, 256, 65535, 65536, 2 ** 32, 2 ** 53 - 1, -(2 ** 53) + 1),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.uint8Array({ maxLength: 24 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(fc.integer({ min: -2, max: 30 }), tie('value')), { maxLength: 5 }).map((entries) => new Map(entries))
  )
}))

// Maps with small integer keys, written in their insertion order (often not canonical), with
// floats in canonical or in 64-bit form; then, sometimes, one byte changed.
const candidate = fc.tuple(
  fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), cborValue), { maxLength: 12 }),
  fc.boolean(),
  fc.boolean(),
  fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { freq: 3 })
).map(([entries, keepOrder, float64, flip]) => {
  const bytes = Uint8Array.from(encode(new Map(entries), { ...(keepOrder ? { mapSorter: () => 0 } : {}), float64 }))
  if (flip !== null && bytes.length > 0) bytes[flip[0] % bytes.length] = flip[1]
  return bytes
})

// Text strings of any bytes: cborg decodes invalid UTF-8 leniently, so only the re-encode sees it.
const rawText = fc.uint8Array({ maxLength: 23 }).map((text) => Uint8Array.of(0xa1, 0x00, 0x60 + text.length, ...text))

test('property: the canonical check accepts exactly what strict decode and re-encode accept', (t) => {
  fc.assert(fc.property(fc.oneof(candidate, rawText), (bytes) => accepted(bytes) === reference(bytes)), { numRuns: 3000 })
  t.pass()
})

test('real headers take the shortcut and the cases it leaves to the re-encode are still decided right', (t) => {
  const header = headerOf(validFields(sampleEnvelope()))
  t.true(accepted(header))
  const asMap = decodeCanonicalMap(header)
  // Shortcut refusals (keys out of order, a float, non-ASCII text) decided by the re-encode.
  const cases: Array<[unknown, boolean]> = [
    [new Map<unknown, unknown>([[1, 'a'], [0, 'b']]), false],
    [new Map<unknown, unknown>([[0, 1.5]]), true],
    [new Map<unknown, unknown>([[0, 'Hà Nội']]), true],
    [new Map<unknown, unknown>([[0, new Map([[1, 2]])]]), true],
    [new Map<unknown, unknown>([[0, true], [1, false], [2, null], [3, [[1, 'x']]]]), true]
  ]
  for (const [value, canonical] of cases) {
    const bytes = encode(value, { mapSorter: () => 0 })
    t.is(accepted(bytes), canonical, JSON.stringify([...(value as Map<unknown, unknown>).keys()]))
  }
  // Simple values and floats share major type 7: a half float whose bits read 20 is no `false`.
  t.false(accepted(Uint8Array.of(0xa1, 0x00, 0xf9, 0x00, 0x14)))
  // Text that is not UTF-8 decodes (as U+FFFD) but is not canonical.
  t.false(accepted(Uint8Array.of(0xa1, 0x00, 0x62, 0xc3, 0x28)))
  t.is(asMap.size, (header[0] as number) - 0xa0)
})

// encodeMap writes plain header maps itself: its bytes must be cborg's whatever the map, and a
// map it does not handle (floats, -0, nested maps, keys out of order or negative) goes to cborg.
const headerKey = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -1))
const headerValue = fc.oneof(cborValue, fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 30 }),
  fc.uint8Array({ minLength: 250, maxLength: 300 }), fc.constant(new Uint8Array(65_536)), fc.constant(-0),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 30 }), fc.constant(Buffer.from('buffer bytes')))
test('encodeMap gives exactly cborg\'s canonical bytes, on its own path or through cborg', (t) => {
  fc.assert(fc.property(fc.array(fc.tuple(headerKey, headerValue), { maxLength: 14 }), fc.boolean(), (entries, sorted) => {
    const map = new Map(sorted ? [...new Map(entries)].sort(([a], [b]) => a - b) : entries)
    const expected = Buffer.from(encode(map))
    const actual = encodeMap(map)
    return Buffer.from(actual).equals(expected) && Object.getPrototypeOf(actual) === Uint8Array.prototype
  }), { numRuns: 3000 })
  // The plain path was taken for real headers (and gave the bytes that decode back).
  const envelope = sampleEnvelope()
  const header = decodeCanonicalMap(envelope.headerBytes)
  t.deepEqual(Buffer.from(envelope.headerBytes), Buffer.from(encode(header)))
  t.deepEqual(Buffer.from(encodePlainMap(header) ?? []), Buffer.from(envelope.headerBytes))
  t.is(encodePlainMap(new Map([[1, 1.5]])), undefined)
  t.is(encodePlainMap(new Map([[2, 'a'], [1, 'b']])), undefined)
})
