// Header encoding and parsing (format versions 1 and 2) and chunk nonces of the sealed format (see seal.ts).
import { LienthongError } from '@lienthong/errors'
import {
  SEAL_MAGIC, SEAL_MAGIC_V1, SEAL_MAX_CHUNK_SIZE, SEAL_MAX_RECIPIENTS, SEAL_MIN_CHUNK_SIZE, SEAL_SALT_LENGTH,
  SEAL_TAG_LENGTH, X25519_KEY_LENGTH
} from './constants.js'
import { checkLength } from './ed25519.js'
import { CryptoErrorCode } from './errors.js'
import { latin1 } from './latin1.js'

export const DATA_KEY_LENGTH = 32
export const WRAPPED_KEY_LENGTH = DATA_KEY_LENGTH + SEAL_TAG_LENGTH
export const STANZA_LENGTH = X25519_KEY_LENGTH + WRAPPED_KEY_LENGTH
/** The v2 wrap's nonce: the first 12 bytes of the payload's salt (AES-GCM's recommended nonce length). */
export const WRAP_NONCE_LENGTH = 12
const MAGIC_LENGTH = 4
const MAGICS = { 1: Buffer.from(SEAL_MAGIC_V1, 'latin1'), 2: Buffer.from(SEAL_MAGIC, 'latin1') } as const

/** A format version of sealed payloads: 2 is written, 1 and 2 are opened. */
export type SealVersion = 1 | 2

/** magic | ephPub | salt (v2 only) | u16 count: the recipient count is its last two bytes. */
function prefixLength (version: SealVersion): number {
  return MAGIC_LENGTH + X25519_KEY_LENGTH + (version === 2 ? SEAL_SALT_LENGTH : 0) + 2
}

/** Format version of the magic at the start of `bytes` (at least 4 bytes); undefined when unknown. */
function versionOf (bytes: Uint8Array): SealVersion | undefined {
  const magic = Buffer.from(bytes.buffer, bytes.byteOffset, MAGIC_LENGTH)
  if (magic.equals(MAGICS[2])) return 2
  if (magic.equals(MAGICS[1])) return 1
  return undefined
}

/** Bytes of a sealed header for `recipientCount` recipients, in format `version` (by default 2, what `seal` writes). */
export function headerLength (recipientCount: number, version: SealVersion = 2): number {
  return prefixLength(version) + recipientCount * STANZA_LENGTH + 4
}

/**
 * The header length of a sealed payload (either format version) from its first bytes: undefined
 * while they are too few to tell (54 bytes always suffice), null when they are not a sealed payload.
 */
export function sealedHeaderLength (prefix: Uint8Array): number | null | undefined {
  if (prefix.length < MAGIC_LENGTH) return undefined
  const version = versionOf(prefix)
  if (version === undefined) return null
  const countAt = prefixLength(version) - 2
  if (prefix.length < countAt + 2) return undefined
  return headerLength(prefix[countAt]! * 256 + prefix[countAt + 1]!, version)
}

/** 1..1000 recipients, 32-byte X25519 public keys, no two the same. */
export function checkRecipients (recipients: Uint8Array[]): void {
  if (!Array.isArray(recipients)) throw new TypeError('recipients must be an array of X25519 public keys')
  if (recipients.length < 1 || recipients.length > SEAL_MAX_RECIPIENTS) {
    throw new LienthongError(CryptoErrorCode.SEAL_RECIPIENTS, `a sealed payload needs 1..${SEAL_MAX_RECIPIENTS} recipients`, { count: recipients.length })
  }
  const seen = new Set<string>()
  recipients.forEach((recipient, index) => {
    checkLength('x25519 public key', recipient, X25519_KEY_LENGTH)
    const id = latin1(recipient)
    if (seen.has(id)) throw new LienthongError(CryptoErrorCode.SEAL_RECIPIENTS, 'duplicate recipient', { index })
    seen.add(id)
  })
}

export function checkBytes (what: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`)
}

export function sealMalformed (reason: string, meta: Record<string, number> = {}): LienthongError {
  return new LienthongError(CryptoErrorCode.SEAL_MALFORMED, `not a sealed payload: ${reason}`, { reason, ...meta })
}

export function sealTampered (reason: string, meta: Record<string, number> = {}): LienthongError {
  return new LienthongError(CryptoErrorCode.SEAL_TAMPERED, `sealed payload failed authentication: ${reason}`, { reason, ...meta })
}

export function checkChunkSize (chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < SEAL_MIN_CHUNK_SIZE || chunkSize > SEAL_MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer in ${SEAL_MIN_CHUNK_SIZE}..${SEAL_MAX_CHUNK_SIZE}`)
  }
}

/** The parsed header; `bytes` is the whole header as received (its SHA-256 is every chunk's AAD). */
export interface SealHeader {
  version: SealVersion
  bytes: Uint8Array
  ephemeralPublicKey: Uint8Array
  /** The per-payload salt (v2); empty in v1. */
  salt: Uint8Array
  recipients: Uint8Array[]
  wrappedKeys: Uint8Array[]
  chunkSize: number
}

/**
 * A v2 header for `recipients`, their wrapped keys left zero: the sealer writes each in place
 * at `wrappedKeyOffset(index)`. Written at the start of `into` when given (zero-filled, at least
 * `headerLength` bytes), else in a buffer of its own.
 */
export function encodeHeader (ephemeralPublicKey: Uint8Array, salt: Uint8Array, recipients: Uint8Array[], chunkSize: number, into?: Uint8Array): Uint8Array {
  const length = headerLength(recipients.length, 2)
  // In a fresh buffer, or at the start of `into` (of at least that length, zero-filled).
  const out = into === undefined ? Buffer.alloc(length) : Buffer.from(into.buffer, into.byteOffset, length)
  MAGICS[2].copy(out, 0)
  out.set(ephemeralPublicKey, MAGIC_LENGTH)
  out.set(salt, MAGIC_LENGTH + X25519_KEY_LENGTH)
  let offset = out.writeUInt16BE(recipients.length, prefixLength(2) - 2)
  for (const recipient of recipients) {
    out.set(recipient, offset)
    offset += STANZA_LENGTH
  }
  out.writeUInt32BE(chunkSize, offset)
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** Where the wrapped key of stanza `index` starts in a v2 header. */
export function wrappedKeyOffset (index: number): number {
  return prefixLength(2) + index * STANZA_LENGTH + X25519_KEY_LENGTH
}

function parseHeader (bytes: Uint8Array, version: SealVersion): SealHeader {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = prefixLength(version)
  const count = view.readUInt16BE(offset - 2)
  const recipients: Uint8Array[] = []
  const wrappedKeys: Uint8Array[] = []
  const seen = new Set<string>()
  for (let i = 0; i < count; i++) {
    const recipient = bytes.subarray(offset, offset + X25519_KEY_LENGTH)
    const id = latin1(recipient)
    if (seen.has(id)) throw sealMalformed('duplicate recipient', { index: i })
    seen.add(id)
    recipients.push(recipient)
    wrappedKeys.push(bytes.subarray(offset + X25519_KEY_LENGTH, offset + STANZA_LENGTH))
    offset += STANZA_LENGTH
  }
  const chunkSize = view.readUInt32BE(offset)
  if (chunkSize < SEAL_MIN_CHUNK_SIZE || chunkSize > SEAL_MAX_CHUNK_SIZE) throw sealMalformed('chunk size out of range', { chunkSize })
  const keyEnd = MAGIC_LENGTH + X25519_KEY_LENGTH
  return {
    version,
    bytes,
    ephemeralPublicKey: bytes.subarray(MAGIC_LENGTH, keyEnd),
    salt: bytes.subarray(keyEnd, version === 2 ? keyEnd + SEAL_SALT_LENGTH : keyEnd),
    recipients,
    wrappedKeys,
    chunkSize
  }
}

/**
 * The header at the start of `bytes` when they hold all of it, parsed in place (no copy: for a
 * buffer that does not change while it is opened). Undefined when they hold less, or a bad magic
 * or recipient count (`HeaderReader` then reports those); throws as `HeaderReader` for the rest.
 */
export function readWholeHeader (bytes: Uint8Array): SealHeader | undefined {
  const length = sealedHeaderLength(bytes)
  if (typeof length !== 'number' || bytes.length < length) return undefined
  const version = versionOf(bytes)!
  const countAt = prefixLength(version) - 2
  const count = bytes[countAt]! * 256 + bytes[countAt + 1]!
  if (count < 1 || count > SEAL_MAX_RECIPIENTS) return undefined
  return parseHeader(bytes.subarray(0, length), version)
}

/**
 * Collects a header from arbitrary pieces (a 1-byte piece at a time is fine) without copying more
 * than the header itself: at most about 80 KiB for 1000 recipients. Reads the magic, then the
 * prefix of that version up to the recipient count, then the rest.
 */
export class HeaderReader {
  private buffer = new Uint8Array(MAGIC_LENGTH)
  private filled = 0
  private version: SealVersion | undefined

  /** Returns the header once complete, with the bytes of `data` that follow it. */
  push (data: Uint8Array): { header: SealHeader, rest: Uint8Array } | undefined {
    let offset = 0
    while (offset < data.length) {
      const n = Math.min(this.buffer.length - this.filled, data.length - offset)
      this.buffer.set(data.subarray(offset, offset + n), this.filled)
      this.filled += n
      offset += n
      if (this.filled < this.buffer.length) continue
      if (this.version === undefined) {
        this.version = versionOf(this.buffer)
        if (this.version === undefined) throw sealMalformed('bad magic')
        this.grow(prefixLength(this.version))
        continue
      }
      if (this.buffer.length === prefixLength(this.version)) {
        const count = this.buffer[this.filled - 2]! * 256 + this.buffer[this.filled - 1]!
        if (count < 1 || count > SEAL_MAX_RECIPIENTS) throw sealMalformed('recipient count out of range', { count })
        this.grow(headerLength(count, this.version))
        continue
      }
      return { header: parseHeader(this.buffer, this.version), rest: data.subarray(offset) }
    }
    return undefined
  }

  /** The input ended: it was too short to hold a header. */
  end (): never {
    throw sealMalformed('truncated header', { length: this.filled })
  }

  private grow (length: number): void {
    const bigger = new Uint8Array(length)
    bigger.set(this.buffer, 0)
    this.buffer = bigger
  }
}

// Every chunk nonce is written here: a buffer off V8's heap (over 64 bytes), so that createCipheriv,
// which copies the IV at once, reads it in place. A 12-byte array of its own lives on V8's heap and
// was moved off it by that call: a malloc per chunk.
const NONCE_SCRATCH = Buffer.alloc(128)

/**
 * nonce_i = 3 zero bytes | u64 index | last flag. The bytes are valid until the next call: hand them
 * straight to createCipheriv / createDecipheriv, do not keep them.
 */
export function chunkNonce (index: number, last: boolean): Buffer {
  const nonce = NONCE_SCRATCH.subarray(0, 12)
  nonce.writeUInt32BE(Math.floor(index / 0x1_0000_0000), 3)
  nonce.writeUInt32BE(index >>> 0, 7)
  nonce[11] = last ? 1 : 0
  return nonce
}
