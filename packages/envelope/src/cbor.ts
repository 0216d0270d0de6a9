import { decode, encode, type DecodeOptions } from 'cborg'

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

/** Deterministic encoding of a header map (cborg sorts keys; integers in shortest form). */
export function encodeMap (map: Map<number, unknown>): Uint8Array {
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
  const again = encode(value)
  if (!Buffer.from(again.buffer, again.byteOffset, again.byteLength).equals(bytes)) {
    throw new NotCanonicalError('not in canonical form')
  }
  return value as Map<unknown, unknown>
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

/** Named fields → map with integer keys, omitting undefined optional fields. */
export function fieldsToMap (fields: Readonly<Record<string, unknown>>, keys: Readonly<Record<string, number>>): Map<number, unknown> {
  const map = new Map<number, unknown>()
  for (const [name, key] of Object.entries(keys)) {
    const value = fields[name]
    if (value !== undefined) map.set(key, value)
  }
  return map
}
