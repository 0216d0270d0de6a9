import { LienthongError } from '@lienthong/errors'
import { isPlainRecord } from '../cbor.js'
import { isOrgCode } from '../codes.js'
import { RegistryErrorCode } from '../errors.js'

/** A decoded CBOR map. */
export type Raw = Record<string, unknown>

/** C0 controls and DEL never belong in names, reasons or identifiers. */
function hasControl (value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

/** `registry-bad-op` naming the operation and the field. */
export function badOp (op: string, field: string, message: string): LienthongError {
  return new LienthongError(RegistryErrorCode.BAD_OP, `${op}: ${field} ${message}`, { op, field })
}

/** The value must be a plain map; returns it. */
export function record (value: unknown, op: string, field: string): Raw {
  if (!isPlainRecord(value)) throw badOp(op, field, 'must be a map')
  return value
}

/** Refuse keys other than `allowed` (an old node must never silently ignore a field). */
export function onlyKeys (raw: Raw, allowed: readonly string[], op: string, prefix = ''): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw badOp(op, prefix + key, 'is not a known field')
  }
}

export interface TextBounds { min?: number, max?: number }

/** A text value of `min..max` characters without control characters. */
export function text (value: unknown, op: string, field: string, { min = 1, max = 512 }: TextBounds = {}): string {
  if (typeof value !== 'string') throw badOp(op, field, 'must be a string')
  if (value.length < min || value.length > max) throw badOp(op, field, `must have ${min}..${max} characters`)
  if (hasControl(value)) throw badOp(op, field, 'must not contain control characters')
  return value
}

/** `text` when present, undefined when absent. */
export function optText (value: unknown, op: string, field: string, bounds?: TextBounds): string | undefined {
  return value === undefined ? undefined : text(value, op, field, bounds)
}

/** A safe integer in `min..max`. */
export function int (value: unknown, op: string, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badOp(op, field, 'must be an integer')
  if (value < min || value > max) throw badOp(op, field, `must be in ${min}..${max}`)
  return value
}

export function optInt (value: unknown, op: string, field: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : int(value, op, field, min, max)
}

/** A millisecond timestamp (non-negative safe integer). */
export function time (value: unknown, op: string, field: string): number {
  return int(value, op, field, 0, Number.MAX_SAFE_INTEGER)
}

/** Exactly `length` bytes, copied (state never aliases input buffers). */
export function bytes (value: unknown, op: string, field: string, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) throw badOp(op, field, `must be ${length} bytes`)
  return Uint8Array.from(value)
}

/** One of `choices`. */
export function oneOf<T extends string> (value: unknown, choices: readonly T[], op: string, field: string): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw badOp(op, field, `must be one of ${choices.join(', ')}`)
  }
  return value as T
}

export interface ListBounds extends TextBounds { maxItems: number, minItems?: number }

/** A list of distinct texts. */
export function textList (value: unknown, op: string, field: string, bounds: ListBounds): string[] {
  if (!Array.isArray(value)) throw badOp(op, field, 'must be a list')
  if (value.length < (bounds.minItems ?? 0) || value.length > bounds.maxItems) {
    throw badOp(op, field, `must have ${bounds.minItems ?? 0}..${bounds.maxItems} items`)
  }
  const out = value.map((item, i) => text(item, op, `${field}[${i}]`, bounds))
  if (new Set(out).size !== out.length) throw badOp(op, field, 'must not repeat an item')
  return out
}

/** An organisation code; `registry-bad-org-code` otherwise. */
export function orgCode (value: unknown, op: string, field: string): string {
  if (!isOrgCode(value)) {
    const shown = typeof value === 'string' ? value.slice(0, 64) : typeof value
    throw new LienthongError(RegistryErrorCode.BAD_ORG_CODE, `${op}: ${field} is not an organisation code`, { op, field, code: shown })
  }
  return value
}

export function optOrgCode (value: unknown, op: string, field: string): string | undefined {
  return value === undefined ? undefined : orgCode(value, op, field)
}

/** A list of distinct organisation codes. */
export function orgCodeList (value: unknown, op: string, field: string, minItems: number, maxItems: number): string[] {
  if (!Array.isArray(value)) throw badOp(op, field, 'must be a list')
  if (value.length < minItems || value.length > maxItems) throw badOp(op, field, `must have ${minItems}..${maxItems} codes`)
  const out = value.map((item, i) => orgCode(item, op, `${field}[${i}]`))
  if (new Set(out).size !== out.length) throw badOp(op, field, 'must not repeat a code')
  return out
}

/** Drop undefined properties, so records and encodings never carry `key: undefined`. */
export function compact<T extends object> (value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) Reflect.deleteProperty(value, key)
  }
  return value
}
