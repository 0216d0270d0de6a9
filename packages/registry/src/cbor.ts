import { decode, encode } from 'cborg'
import { LienthongError } from '@lienthong/errors'
import { RegistryErrorCode } from './errors.js'

const ENCODE_OPTIONS = { ignoreUndefinedProperties: true }
const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true
}

/** Deterministic CBOR (cborg's canonical map order, smallest integers); undefined properties are dropped. */
export function encodeCbor (value: unknown): Uint8Array {
  const out = encode(value, ENCODE_OPTIONS)
  // cborg hands out a Buffer on Node (possibly a slice of a shared pool): keep a plain, own copy.
  return Object.getPrototypeOf(out) === Uint8Array.prototype ? out : Uint8Array.from(out)
}

/**
 * Strict CBOR decoding for bytes that were signed: besides cborg's strict options, the bytes
 * must be exactly what `encodeCbor` makes of the decoded value (map order, float widths), so one
 * value has one encoding and one hash. Throws `registry-malformed` with `meta.what`.
 */
export function decodeCanonicalCbor (bytes: Uint8Array, what: string, maxBytes: number): unknown {
  if (!(bytes instanceof Uint8Array)) throw new LienthongError(RegistryErrorCode.MALFORMED, `${what} is not bytes`, { what })
  if (bytes.length > maxBytes) {
    throw new LienthongError(RegistryErrorCode.MALFORMED, `${what} is too large`, { what, size: bytes.length, limit: maxBytes })
  }
  let value: unknown
  try {
    value = decode(bytes, DECODE_OPTIONS)
  } catch (err) {
    throw new LienthongError(RegistryErrorCode.MALFORMED, `${what} is not valid CBOR`, { what }, { cause: err })
  }
  let again: Uint8Array
  try {
    again = encodeCbor(value)
  } catch (err) {
    throw new LienthongError(RegistryErrorCode.MALFORMED, `${what} holds values that cannot be re-encoded`, { what }, { cause: err })
  }
  if (!bytesEqual(again, bytes)) {
    throw new LienthongError(RegistryErrorCode.MALFORMED, `${what} is not in canonical CBOR form`, { what })
  }
  return value
}

/** Constant-shape comparison of two byte arrays (not secret data, so no timing concerns). */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A plain CBOR map decoded as an object (not an array, not bytes, not null). */
export function isPlainRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) &&
    Object.getPrototypeOf(value) === Object.prototype
}
