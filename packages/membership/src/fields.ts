import { LienthongError, type ErrorMeta } from '@lienthong/errors'
import { isOrgCode } from '@lienthong/registry'
import { MembershipErrorCode } from './errors.js'

/** A decoded CBOR or JSON map. */
export type Raw = Record<string, unknown>

/** `membership-bad-request` naming the field. */
export function badField (field: string, message: string, meta: ErrorMeta = {}): LienthongError {
  return new LienthongError(MembershipErrorCode.BAD_REQUEST, `${field} ${message}`, { ...meta, field })
}

/** A plain map (not an array, bytes or null). */
export function isPlainMap (value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) &&
    Object.getPrototypeOf(value) === Object.prototype
}

/** The value must be a plain map with exactly `required` keys and possibly `optional` ones. */
export function map (value: unknown, field: string, required: readonly string[], optional: readonly string[] = []): Raw {
  if (!isPlainMap(value)) throw badField(field, 'must be a map')
  const prefix = field === '' ? '' : `${field}.`
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) throw badField(prefix + key.slice(0, 64), 'is not a known field')
  }
  const missing = required.find(k => value[k] === undefined)
  if (missing !== undefined) throw badField(prefix + missing, 'is required')
  return value
}

/** True when `value` holds a C0 control or DEL; with `allowLines`, tab, LF and CR are fine. */
export function hasControl (value: string, allowLines = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x7f || (c < 0x20 && !(allowLines && (c === 0x09 || c === 0x0a || c === 0x0d)))) return true
  }
  return false
}

export interface TextBounds { min?: number, max: number, multiline?: boolean }

/** A string of `min..max` characters without control characters (tabs and newlines when multiline). */
export function text (value: unknown, field: string, { min = 1, max, multiline = false }: TextBounds): string {
  if (typeof value !== 'string') throw badField(field, 'must be a string')
  if (value.length < min || value.length > max) throw badField(field, `must have ${min}..${max} characters`, { min, max })
  if (hasControl(value, multiline)) throw badField(field, 'must not contain control characters')
  return value
}

/** A text that must also match `pattern`. */
export function pattern (value: unknown, field: string, re: RegExp, what: string, max: number): string {
  const out = text(value, field, { max })
  if (!re.test(out)) throw badField(field, `must be ${what}`)
  return out
}

/** A list of `minItems..maxItems` items, each checked by `item`, distinct by `key`. */
export function list<T> (value: unknown, field: string, minItems: number, maxItems: number,
  item: (v: unknown, f: string) => T, key: (v: T) => unknown = v => v): T[] {
  if (!Array.isArray(value)) throw badField(field, 'must be a list')
  if (value.length < minItems || value.length > maxItems) throw badField(field, `must have ${minItems}..${maxItems} items`)
  const out = value.map((v, i) => item(v, `${field}[${i}]`))
  if (new Set(out.map(key)).size !== out.length) throw badField(field, 'must not repeat an item')
  return out
}

/** Exactly `length` bytes, copied. */
export function bytes (value: unknown, field: string, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) throw badField(field, `must be ${length} bytes`)
  return Uint8Array.from(value)
}

/** A Unix time in ms (non-negative safe integer). */
export function time (value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw badField(field, 'must be a time in ms')
  return value
}

/** An organisation identifier code. */
export function orgCode (value: unknown, field: string): string {
  if (!isOrgCode(value)) throw badField(field, 'must be an organisation code')
  return value
}

/** base58btc, as in a libp2p PeerId string. */
export const PEER_ID_PATTERN = /^[1-9A-HJ-NP-Za-km-z]{1,128}$/

/** A PeerId-shaped string (whether it holds an ed25519 key is checked by the caller). */
export function peerIdText (value: unknown, field: string): string {
  return pattern(value, field, PEER_ID_PATTERN, 'a PeerId', 128)
}

// Stricter than the registry's formats (which accept everything these accept).
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/
const PHONE = /^\+?[0-9][0-9 .()-]{2,31}$/

/** An email address (at most 254 characters). */
export function email (value: unknown, field: string): string {
  return pattern(value, field, EMAIL, 'an email address', 254)
}

/** A phone number: digits, spaces, dots, dashes and brackets, optional leading `+`. */
export function phone (value: unknown, field: string): string {
  return pattern(value, field, PHONE, 'a phone number', 32)
}
