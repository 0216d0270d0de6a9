// Header encoding and parsing, key wrapping and chunk nonces of the sealed format (see seal.ts).
import {
  createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, type KeyObject
} from 'node:crypto'
import { LienthongError } from '@lienthong/errors'
import {
  SEAL_KEK_INFO, SEAL_MAGIC, SEAL_MAX_CHUNK_SIZE, SEAL_MAX_RECIPIENTS, SEAL_MIN_CHUNK_SIZE, SEAL_TAG_LENGTH,
  X25519_KEY_LENGTH, X25519_PKCS8_PREFIX, X25519_SPKI_PREFIX
} from './constants.js'
import { CryptoErrorCode } from './errors.js'

export const DATA_KEY_LENGTH = 32
export const WRAPPED_KEY_LENGTH = DATA_KEY_LENGTH + SEAL_TAG_LENGTH
export const STANZA_LENGTH = X25519_KEY_LENGTH + WRAPPED_KEY_LENGTH
/** magic | ephPub | u16 count */
const HEADER_PREFIX_LENGTH = 4 + X25519_KEY_LENGTH + 2
const MAGIC = Buffer.from(SEAL_MAGIC, 'latin1')
const ZERO_NONCE = Buffer.alloc(12)

/** Bytes of the header for `recipientCount` recipients. */
export function headerLength (recipientCount: number): number {
  return HEADER_PREFIX_LENGTH + recipientCount * STANZA_LENGTH + 4
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
  bytes: Uint8Array
  ephemeralPublicKey: Uint8Array
  recipients: Uint8Array[]
  wrappedKeys: Uint8Array[]
  chunkSize: number
}

export function encodeHeader (ephemeralPublicKey: Uint8Array, stanzas: Array<[Uint8Array, Uint8Array]>, chunkSize: number): Uint8Array {
  const out = Buffer.alloc(headerLength(stanzas.length))
  MAGIC.copy(out, 0)
  out.set(ephemeralPublicKey, 4)
  out.writeUInt16BE(stanzas.length, 4 + X25519_KEY_LENGTH)
  let offset = HEADER_PREFIX_LENGTH
  for (const [recipient, wrapped] of stanzas) {
    out.set(recipient, offset)
    out.set(wrapped, offset + X25519_KEY_LENGTH)
    offset += STANZA_LENGTH
  }
  out.writeUInt32BE(chunkSize, offset)
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

function parseHeader (bytes: Uint8Array): SealHeader {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.readUInt16BE(4 + X25519_KEY_LENGTH)
  const recipients: Uint8Array[] = []
  const wrappedKeys: Uint8Array[] = []
  const seen = new Set<string>()
  let offset = HEADER_PREFIX_LENGTH
  for (let i = 0; i < count; i++) {
    const recipient = bytes.subarray(offset, offset + X25519_KEY_LENGTH)
    const id = Buffer.from(recipient).toString('latin1')
    if (seen.has(id)) throw sealMalformed('duplicate recipient', { index: i })
    seen.add(id)
    recipients.push(recipient)
    wrappedKeys.push(bytes.subarray(offset + X25519_KEY_LENGTH, offset + STANZA_LENGTH))
    offset += STANZA_LENGTH
  }
  const chunkSize = view.readUInt32BE(offset)
  if (chunkSize < SEAL_MIN_CHUNK_SIZE || chunkSize > SEAL_MAX_CHUNK_SIZE) throw sealMalformed('chunk size out of range', { chunkSize })
  return { bytes, ephemeralPublicKey: bytes.subarray(4, 4 + X25519_KEY_LENGTH), recipients, wrappedKeys, chunkSize }
}

/**
 * Collects a header from arbitrary pieces (a 1-byte piece at a time is fine) without copying more
 * than the header itself: at most 80 KiB for 1000 recipients.
 */
export class HeaderReader {
  private buffer = new Uint8Array(HEADER_PREFIX_LENGTH)
  private filled = 0

  /** Returns the header once complete, with the bytes of `data` that follow it. */
  push (data: Uint8Array): { header: SealHeader, rest: Uint8Array } | undefined {
    let offset = 0
    while (offset < data.length) {
      const n = Math.min(this.buffer.length - this.filled, data.length - offset)
      this.buffer.set(data.subarray(offset, offset + n), this.filled)
      this.filled += n
      offset += n
      if (this.filled < this.buffer.length) continue
      if (this.buffer.length === HEADER_PREFIX_LENGTH) {
        this.checkPrefix()
        const full = new Uint8Array(headerLength(this.buffer[36]! * 256 + this.buffer[37]!))
        full.set(this.buffer, 0)
        this.buffer = full
        continue
      }
      return { header: parseHeader(this.buffer), rest: data.subarray(offset) }
    }
    return undefined
  }

  /** The input ended: it was too short to hold a header. */
  end (): never {
    throw sealMalformed('truncated header', { length: this.filled })
  }

  private checkPrefix (): void {
    if (!MAGIC.equals(this.buffer.subarray(0, 4))) throw sealMalformed('bad magic')
    const count = this.buffer[36]! * 256 + this.buffer[37]!
    if (count < 1 || count > SEAL_MAX_RECIPIENTS) throw sealMalformed('recipient count out of range', { count })
  }
}

/** nonce_i = 3 zero bytes | u64 index | last flag. */
export function chunkNonce (index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeUInt32BE(Math.floor(index / 0x1_0000_0000), 3)
  nonce.writeUInt32BE(index >>> 0, 7)
  nonce[11] = last ? 1 : 0
  return nonce
}

const x25519PrivateKeys = new WeakMap<Uint8Array, KeyObject>()

/** A cached node:crypto KeyObject for a raw X25519 private key. */
export function x25519PrivateKeyObject (privateKey: Uint8Array): KeyObject {
  let key = x25519PrivateKeys.get(privateKey)
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' })
    x25519PrivateKeys.set(privateKey, key)
  }
  return key
}

/** Raw bytes of an X25519 public KeyObject. */
export function rawX25519PublicKey (key: KeyObject): Uint8Array {
  const spki = key.export({ format: 'der', type: 'spki' })
  return Uint8Array.from(spki.subarray(spki.length - X25519_KEY_LENGTH))
}

/** KEK for one recipient; throws (node:crypto error) when the shared secret is all zeros (small-order key). */
function deriveKek (privateKey: KeyObject, publicKey: Uint8Array, ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Buffer {
  const peer = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
  const shared = diffieHellman({ privateKey, publicKey: peer })
  const salt = Buffer.concat([ephemeralPublicKey, recipientPublicKey])
  const kek = Buffer.from(hkdfSync('sha256', shared, salt, SEAL_KEK_INFO, 32))
  shared.fill(0)
  return kek
}

/** Wrap the data key for one recipient: 48 bytes. Throws if the recipient key is unusable. */
export function wrapDataKey (dek: Uint8Array, ephemeralPrivateKey: KeyObject, ephemeralPublicKey: Uint8Array, recipient: Uint8Array): Uint8Array {
  const kek = deriveKek(ephemeralPrivateKey, recipient, ephemeralPublicKey, recipient)
  const cipher = createCipheriv('aes-256-gcm', kek, ZERO_NONCE, { authTagLength: SEAL_TAG_LENGTH })
  const wrapped = Buffer.concat([cipher.update(dek), cipher.final(), cipher.getAuthTag()])
  kek.fill(0)
  return new Uint8Array(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength)
}

/** Unwrap the data key from this recipient's stanza; `seal-tampered` if it does not authenticate. */
export function unwrapDataKey (wrapped: Uint8Array, privateKey: KeyObject, header: SealHeader, recipient: Uint8Array): Uint8Array {
  let kek: Buffer
  try {
    kek = deriveKek(privateKey, header.ephemeralPublicKey, header.ephemeralPublicKey, recipient)
  } catch {
    // X25519 with a small-order ephemeral key gives an all-zero secret, which OpenSSL refuses.
    throw sealMalformed('unusable ephemeral key')
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, ZERO_NONCE, { authTagLength: SEAL_TAG_LENGTH })
    decipher.setAuthTag(wrapped.subarray(DATA_KEY_LENGTH))
    const plain = decipher.update(wrapped.subarray(0, DATA_KEY_LENGTH))
    decipher.final()
    // An owned copy, out of Node's shared Buffer pool, so that wiping it leaves no other copy behind.
    const dek = Uint8Array.from(plain)
    plain.fill(0)
    return dek
  } catch {
    throw sealTampered('wrapped key')
  } finally {
    kek.fill(0)
  }
}
