import { LienthongError } from '@lienthong/errors'
import { ED25519_PUBLIC_KEY_LENGTH } from '@lienthong/crypto'
import {
  CONTENT_TYPE_MAX_LENGTH, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, ENVELOPE_KINDS, ENVELOPE_VERSION,
  MAX_RECIPIENTS, MAX_TTL_MS
} from './constants.js'
import { EnvelopeErrorCode } from './errors.js'
import { isBytes, isContentType, isHash, isTimestamp, isUint, isUlid } from './fields.js'
import { ORG_CODE_MAX_LENGTH, isOrgCode } from './org-code.js'

/** An envelope kind understood by version 1. */
export type EnvelopeKind = typeof ENVELOPE_KINDS[number]

/** The signed header of an envelope (see the key table in constants.ts). */
export interface EnvelopeHeader {
  readonly version: typeof ENVELOPE_VERSION
  /** ULID: unique and sortable by creation time. */
  readonly id: string
  readonly kind: EnvelopeKind
  /** Organisation code of the sender. */
  readonly senderOrg: string
  /** ed25519 public key (32 bytes) of the sending node: the key that signed. */
  readonly senderNode: Uint8Array
  /** Recipient organisation codes, 1..MAX_RECIPIENTS, no duplicates, in the sender's order. */
  readonly recipients: readonly string[]
  /** ms since epoch. */
  readonly createdAt: number
  /** ms since epoch; the envelope is refused from this instant on. */
  readonly expiresAt: number
  /** Id of the envelope this one answers (required for `status`). */
  readonly reference?: string
  /** MIME type of the (unsealed) document. */
  readonly contentType: string
  /** SHA-256 of the sealed payload bytes. */
  readonly payloadHash: Uint8Array
  /** Length in bytes of the sealed payload. */
  readonly payloadLength: number
}

/** Size limits applied when building and decoding envelopes. */
export interface EnvelopeLimits {
  /** Largest encoded header accepted (default 64 KiB). */
  maxHeaderBytes: number
  /** Largest payload accepted (default 100 MiB). */
  maxPayloadBytes: number
  /** Most recipients accepted (default and ceiling: MAX_RECIPIENTS). */
  maxRecipients: number
}

/** The defaults of {@link EnvelopeLimits}. */
export const DEFAULT_ENVELOPE_LIMITS: Readonly<EnvelopeLimits> = Object.freeze({
  maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES,
  maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
  maxRecipients: MAX_RECIPIENTS
})

/** Fill in defaults; a limit that is not a non-negative integer is a programmer mistake. */
export function resolveLimits (limits: Partial<EnvelopeLimits> = {}): EnvelopeLimits {
  // Field by field, not by spreading the frozen defaults (this runs for every decoded envelope).
  return {
    maxHeaderBytes: limitOf(limits, 'maxHeaderBytes'),
    maxPayloadBytes: limitOf(limits, 'maxPayloadBytes'),
    maxRecipients: Math.min(limitOf(limits, 'maxRecipients'), MAX_RECIPIENTS)
  }
}

function limitOf (limits: Partial<EnvelopeLimits>, name: keyof EnvelopeLimits): number {
  const value = limits[name]
  if (value === undefined) return DEFAULT_ENVELOPE_LIMITS[name]
  if (!isUint(value)) throw new RangeError(`${name} must be a non-negative integer`)
  return value
}

function bad (code: string, field: string, message: string, meta: Record<string, string | number> = {}): LienthongError {
  return new LienthongError(code, message, { field, ...meta })
}

function checkRecipients (value: unknown, limits: EnvelopeLimits): string[] {
  if (!Array.isArray(value)) throw bad(EnvelopeErrorCode.BAD_FIELD, 'recipients', 'recipients must be an array of organisation codes')
  if (value.length === 0 || value.length > limits.maxRecipients) {
    throw new LienthongError(EnvelopeErrorCode.TOO_MANY_RECIPIENTS, 'recipient count out of bounds', { field: 'recipients', count: value.length, limit: limits.maxRecipients })
  }
  const seen = new Set<string>()
  value.forEach((code: unknown, index) => {
    if (!isOrgCode(code)) {
      const length = typeof code === 'string' ? code.length : -1
      throw bad(EnvelopeErrorCode.BAD_ORG_CODE, 'recipients', 'recipient is not an organisation code', { index, length, maxLength: ORG_CODE_MAX_LENGTH })
    }
    if (seen.has(code)) throw bad(EnvelopeErrorCode.BAD_FIELD, 'recipients', 'duplicate recipient', { index, code })
    seen.add(code)
  })
  return [...seen]
}

function checkTimes (createdAt: unknown, expiresAt: unknown): void {
  if (typeof createdAt !== 'number') throw bad(EnvelopeErrorCode.BAD_FIELD, 'createdAt', 'createdAt must be an integer')
  if (typeof expiresAt !== 'number') throw bad(EnvelopeErrorCode.BAD_FIELD, 'expiresAt', 'expiresAt must be an integer')
  if (!isTimestamp(createdAt)) throw bad(EnvelopeErrorCode.BAD_TIME, 'createdAt', 'createdAt out of bounds')
  if (!isTimestamp(expiresAt)) throw bad(EnvelopeErrorCode.BAD_TIME, 'expiresAt', 'expiresAt out of bounds')
  if (expiresAt <= createdAt) throw bad(EnvelopeErrorCode.BAD_TIME, 'expiresAt', 'expiresAt must be after createdAt')
  if (expiresAt - createdAt > MAX_TTL_MS) {
    throw bad(EnvelopeErrorCode.BAD_TIME, 'expiresAt', 'envelope lifetime too long', { ttlMs: expiresAt - createdAt, limit: MAX_TTL_MS })
  }
}

/**
 * Check every field of a header (given by name, from a caller or from the wire) and return it
 * typed. Throws the first problem found as a typed `envelope-*` error.
 */
export function checkEnvelopeHeader (f: Readonly<Record<string, unknown>>, limits: EnvelopeLimits): EnvelopeHeader {
  if (f.version !== ENVELOPE_VERSION) {
    throw new LienthongError(EnvelopeErrorCode.UNSUPPORTED_VERSION, 'unsupported envelope version', { field: 'version', version: typeof f.version === 'number' ? f.version : String(f.version) })
  }
  if (!isUlid(f.id)) throw bad(EnvelopeErrorCode.BAD_FIELD, 'id', 'id must be a ULID')
  if (typeof f.kind !== 'string' || !(ENVELOPE_KINDS as readonly string[]).includes(f.kind)) {
    throw bad(EnvelopeErrorCode.BAD_FIELD, 'kind', 'unknown envelope kind')
  }
  if (!isOrgCode(f.senderOrg)) {
    throw bad(EnvelopeErrorCode.BAD_ORG_CODE, 'senderOrg', 'sender is not an organisation code', { length: typeof f.senderOrg === 'string' ? f.senderOrg.length : -1, maxLength: ORG_CODE_MAX_LENGTH })
  }
  if (!isBytes(f.senderNode, ED25519_PUBLIC_KEY_LENGTH)) throw bad(EnvelopeErrorCode.BAD_FIELD, 'senderNode', 'senderNode must be a 32-byte public key')
  const recipients = checkRecipients(f.recipients, limits)
  checkTimes(f.createdAt, f.expiresAt)
  if (f.reference !== undefined && !isUlid(f.reference)) throw bad(EnvelopeErrorCode.BAD_FIELD, 'reference', 'reference must be a ULID')
  if (f.kind === 'status' && f.reference === undefined) throw bad(EnvelopeErrorCode.BAD_FIELD, 'reference', 'a status envelope needs a reference')
  if (!isContentType(f.contentType)) {
    const length = typeof f.contentType === 'string' ? f.contentType.length : -1
    throw bad(EnvelopeErrorCode.BAD_FIELD, 'contentType', 'contentType must be a MIME type', { length, maxLength: CONTENT_TYPE_MAX_LENGTH })
  }
  if (!isHash(f.payloadHash)) throw bad(EnvelopeErrorCode.BAD_FIELD, 'payloadHash', 'payloadHash must be 32 bytes')
  if (!isUint(f.payloadLength)) throw bad(EnvelopeErrorCode.BAD_FIELD, 'payloadLength', 'payloadLength must be a non-negative integer')
  if (f.payloadLength > limits.maxPayloadBytes) {
    throw new LienthongError(EnvelopeErrorCode.TOO_LARGE, 'payload too large', { what: 'payload', size: f.payloadLength, limit: limits.maxPayloadBytes })
  }
  const header: EnvelopeHeader = {
    version: ENVELOPE_VERSION,
    id: f.id,
    kind: f.kind as EnvelopeKind,
    senderOrg: f.senderOrg,
    senderNode: f.senderNode,
    recipients,
    createdAt: f.createdAt as number,
    expiresAt: f.expiresAt as number,
    contentType: f.contentType,
    payloadHash: f.payloadHash,
    payloadLength: f.payloadLength
  }
  return f.reference === undefined ? header : { ...header, reference: f.reference }
}
