import { decode, encode, type DecodeOptions } from 'cborg'
import { encodePlainMap } from './cbor-plain.js'

/**
 * Strict decoding: shortest-form integers and lengths, no duplicate keys, no indefinite lengths,
 * no undefined, NaN, Infinity, bigints or tags. Map key order and float forms are not checked by
 * cborg, so {@link decodeCanonicalMap} also re-encodes and compares the bytes.
 */
const STRICT: DecodeOptions = {
  strict: true,
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: false,
  tags: {}
}

/** A header map that decoded but is not in canonical form. */
export class NotCanonicalError extends Error {}

/**
 * Deterministic encoding of a header map (keys sorted, integers in shortest form): written
 * directly for plain header maps (see cbor-plain.ts), by cborg otherwise; the same bytes either way.
 */
export function encodeMap (map: Map<number, unknown>): Uint8Array {
  const plain = encodePlainMap(map)
  if (plain !== undefined) return plain
  const bytes = encode(map)
  // cborg hands back a Buffer on Node: expose a plain Uint8Array (same memory, no copy).
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Decode bytes that must hold exactly one CBOR map in canonical form. Throws cborg's own errors
 * for malformed CBOR and {@link NotCanonicalError} otherwise; callers wrap both.
 */
export function decodeCanonicalMap (bytes: Uint8Array): Map<unknown, unknown> {
  const value: unknown = decode(bytes, STRICT)
  if (!(value instanceof Map)) throw new NotCanonicalError('not a map')
  if (plainlyCanonical(bytes)) return value as Map<unknown, unknown>
  const again = encode(value)
  if (!Buffer.from(again.buffer, again.byteOffset, again.byteLength).equals(bytes)) {
    throw new NotCanonicalError('not in canonical form')
  }
  return value as Map<unknown, unknown>
}

/**
 * A shortcut for the usual header, taken only after the strict decode succeeded (so every
 * integer and length is in shortest form, definite, and the bytes are one item): true when the
 * bytes are a map with unsigned integer keys in strictly ascending order whose values hold only
 * integers, byte strings, ASCII text, arrays of these, booleans and null. Re-encoding such a map
 * gives back the same bytes, so the re-encode is skipped. False means "not known": anything else
 * (floats, non-ASCII text, nested maps, out-of-order keys) is left to the re-encode comparison.
 * Saves the re-encode on every received envelope and receipt.
 */
function plainlyCanonical (bytes: Uint8Array): boolean {
  const walker = new Walker(bytes)
  const map = walker.head()
  if (map === undefined || map.major !== 5) return false
  let previous = -1
  for (let i = 0; i < map.value; i++) {
    const key = walker.head()
    if (key === undefined || key.major !== 0 || key.value <= previous) return false
    previous = key.value
    if (!walker.plainValue(0)) return false
  }
  return walker.at === bytes.length
}

/** Nesting of arrays the shortcut follows (headers nest one level: the recipients). */
const PLAIN_MAX_DEPTH = 4

class Walker {
  at = 0
  constructor (private readonly bytes: Uint8Array) {}

  /** The next item's major type, argument and additional info; undefined past the end or above 2^53. */
  head (): { major: number, value: number, info: number } | undefined {
    const { bytes } = this
    const first = bytes[this.at++]
    if (first === undefined) return undefined
    const major = first >> 5
    const info = first & 0x1f
    if (info < 24) return { major, value: info, info }
    const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0
    if (width === 0 || this.at + width > bytes.length) return undefined
    let value = 0
    for (let i = 0; i < width; i++) value = value * 256 + (bytes[this.at + i] as number)
    this.at += width
    return Number.isSafeInteger(value) ? { major, value, info } : undefined
  }

  plainValue (depth: number): boolean {
    const item = this.head()
    if (item === undefined) return false
    switch (item.major) {
      case 0: case 1: return true
      case 2: return this.skip(item.value, false)
      case 3: return this.skip(item.value, true)
      case 4:
        if (depth >= PLAIN_MAX_DEPTH) return false
        for (let i = 0; i < item.value; i++) if (!this.plainValue(depth + 1)) return false
        return true
      case 7: return item.info === 20 || item.info === 21 || item.info === 22 // false, true, null (not floats)
      default: return false // maps and tags
    }
  }

  skip (length: number, ascii: boolean): boolean {
    const end = this.at + length
    if (end > this.bytes.length) return false
    if (ascii) for (let i = this.at; i < end; i++) if ((this.bytes[i] as number) > 0x7f) return false
    this.at = end
    return true
  }
}

const keyNames = new WeakMap<object, Map<unknown, string>>()

/** Map with integer keys → named fields, refusing keys outside the table. */
export function mapToFields (map: Map<unknown, unknown>, keys: Readonly<Record<string, number>>): { fields: Record<string, unknown>, unknownKey?: string } {
  let names = keyNames.get(keys)
  if (names === undefined) {
    names = new Map(Object.entries(keys).map(([name, key]) => [key, name]))
    keyNames.set(keys, names)
  }
  const fields: Record<string, unknown> = {}
  for (const [key, value] of map) {
    const name = names.get(key)
    if (name === undefined) return { fields, unknownKey: typeof key === 'number' ? String(key) : typeof key }
    fields[name] = value
  }
  return { fields }
}

// The entries of each key table (a few constant objects), listed once: `Object.entries` made an
// array per field for every header and receipt built.
const keyEntries = new WeakMap<object, ReadonlyArray<readonly [string, number]>>()

/** Named fields → map with integer keys, omitting undefined optional fields. */
export function fieldsToMap (fields: Readonly<Record<string, unknown>>, keys: Readonly<Record<string, number>>): Map<number, unknown> {
  let entries = keyEntries.get(keys)
  if (entries === undefined) {
    entries = Object.entries(keys)
    keyEntries.set(keys, entries)
  }
  const map = new Map<number, unknown>()
  for (const [name, key] of entries) {
    const value = fields[name]
    if (value !== undefined) map.set(key, value)
  }
  return map
}
