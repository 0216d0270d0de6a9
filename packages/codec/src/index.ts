/**
 * Deterministic CBOR for every signed or wire structure of Lienthong (registry entries,
 * checkpoints, join and pause requests, sync, heartbeat and info messages): one value has one
 * encoding, so one hash and one signature.
 *
 * @example
 * ```ts
 * const bytes = encodeCbor({ seq: 1, op: 'x' })
 * const value = decodeCanonicalCbor(bytes, 4096, (reason, meta) => { throw new LienthongError('my-malformed', reason, meta) })
 * ```
 */
import { decode, encode } from 'cborg'

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
  const out = encode(value, { ignoreUndefinedProperties: true })
  // cborg hands out a Buffer on Node (possibly a slice of a shared pool): keep a plain, own copy.
  return Object.getPrototypeOf(out) === Uint8Array.prototype ? out : Uint8Array.from(out)
}

/** Why bytes were refused: a short sentence, and JSON-safe details (`what`, sizes). */
export type CodecFailure = (reason: string, meta: { what: string, size?: number, limit?: number }, cause?: unknown) => never

/**
 * Strict decoding for bytes that travel or are signed: besides cborg's strict options (no
 * indefinite lengths, undefined, NaN, big integers, duplicate keys), the bytes must be exactly
 * what `encodeCbor` makes of the decoded value. Every refusal goes through `fail`, which throws
 * the caller's own typed error.
 */
export function decodeCanonicalCbor (bytes: Uint8Array, what: string, maxBytes: number, fail: CodecFailure): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`)
  if (bytes.length > maxBytes) fail(`${what} is larger than ${maxBytes} bytes`, { what, size: bytes.length, limit: maxBytes })
  let value: unknown
  try {
    value = decode(bytes, DECODE_OPTIONS)
  } catch (err) {
    fail(`${what} is not valid CBOR`, { what }, err)
  }
  let again: Uint8Array | undefined
  try {
    again = encodeCbor(value)
  } catch (err) {
    fail(`${what} holds values that cannot be re-encoded`, { what }, err)
  }
  if (!bytesEqual(again, bytes)) fail(`${what} is not in canonical CBOR form`, { what })
  return value
}

/** Byte-wise equality (for public data; not constant-time). */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A plain CBOR map decoded as an object (not an array, bytes, or null). */
export function isPlainRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) &&
    Object.getPrototypeOf(value) === Object.prototype
}
