import { CONTENT_TYPE_MAX_LENGTH, HASH_LENGTH, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from './constants.js'

/** Canonical ULID: Crockford base32, upper case, first character ≤ 7 (48-bit time). */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/

// RFC 6838 restricted names for type and subtype, then `; name=value` parameters (token or quoted
// string of printable ASCII). Length is checked before the pattern runs.
const TOKEN = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
const PARAM_VALUE = `(?:[A-Za-z0-9!#$%&'*+.^_\`|~-]+|"[ !#-\\[\\]-~]*")`

/** A MIME content type such as `application/pdf` or `text/xml; charset=utf-8`. */
export const CONTENT_TYPE_PATTERN = new RegExp(`^${TOKEN}/${TOKEN}(?: *; *${TOKEN}=${PARAM_VALUE})*$`)

/** True for a canonical ULID string. */
export function isUlid (s: unknown): s is string {
  return typeof s === 'string' && ULID_PATTERN.test(s)
}

/** True for an acceptable MIME content type. */
export function isContentType (s: unknown): s is string {
  return typeof s === 'string' && s.length <= CONTENT_TYPE_MAX_LENGTH && CONTENT_TYPE_PATTERN.test(s)
}

/** True for an integer millisecond timestamp within [2020-01-01, 2200-01-01). */
export function isTimestamp (n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= MIN_TIMESTAMP_MS && n < MAX_TIMESTAMP_MS
}

/** True for a Uint8Array of exactly `length` bytes. */
export function isBytes (b: unknown, length: number): b is Uint8Array {
  return b instanceof Uint8Array && b.length === length
}

/** True for a 32-byte hash or digest. */
export function isHash (b: unknown): b is Uint8Array {
  return isBytes(b, HASH_LENGTH)
}

/** True for a non-negative safe integer. */
export function isUint (n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}

/** Inputs up to this length are compared in a plain loop (see {@link bytesEqual}). */
const SHORT_COMPARE_BYTES = 64

/**
 * Byte comparison (inputs are public: hashes, keys, digests; not constant-time). Short inputs
 * (the 32-byte keys and hashes every received envelope compares) in a plain loop: wrapping each
 * side in a Buffer to call `equals` costs ten times more than comparing 32 bytes.
 */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  if (a.length > SHORT_COMPARE_BYTES) return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
