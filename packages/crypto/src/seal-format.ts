// Header encoding and parsing, key wrapping and chunk nonces of the sealed format (see seal.ts).
import {
  createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, type KeyObject
} from 'node:crypto'
import { LienthongError } from '@lienthong/errors'
import {
  SEAL_KEK_INFO, SEAL_MAGIC, SEAL_MAX_CHUNK_SIZE, SEAL_MAX_RECIPIENTS, SEAL_MIN_CHUNK_SIZE, SEAL_TAG_LENGTH,
  PUBLIC_KEY_CACHE_SIZE, X25519_KEY_LENGTH, X25519_PKCS8_PREFIX
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

/**
 * A node:crypto KeyObject for a raw X25519 public key, imported as a JWK: OpenSSL takes the raw
 * bytes directly, about ten times faster than through its DER decoder.
 */
export function importX25519PublicKey (publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url')
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' })
}

// Recipients' keys, as KeyObjects: a sender seals for the same few nodes again and again.
const x25519PublicKeys = new Map<string, KeyObject>()

/** A cached KeyObject for a recipient's raw X25519 public key (bounded cache). */
export function x25519PublicKeyObject (publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1')
  let key = x25519PublicKeys.get(id)
  if (key === undefined) {
    key = importX25519PublicKey(publicKey)
    // A plain bounded cache: when full, start again (the registry holds far fewer nodes).
    if (x25519PublicKeys.size >= PUBLIC_KEY_CACHE_SIZE) x25519PublicKeys.clear()
    x25519PublicKeys.set(id, key)
  }
  return key
}

/** Raw bytes of an X25519 public KeyObject (from its JWK export: no DER encoder). */
export function rawX25519PublicKey (key: KeyObject): Uint8Array {
  const { x } = key.export({ format: 'jwk' })
  if (typeof x !== 'string') throw new TypeError('not an X25519 public key')
  const raw = Uint8Array.from(Buffer.from(x, 'base64url'))
  if (raw.length !== X25519_KEY_LENGTH) throw new TypeError('not an X25519 public key')
  return raw
}

// HKDF's expand input for a 32-byte output: info | 0x01 (RFC 5869 §2.3, one block).
const KEK_EXPAND_INPUT = Buffer.concat([Buffer.from(SEAL_KEK_INFO, 'utf8'), Buffer.from([1])])

/**
 * HKDF-SHA256 (RFC 5869) with a 32-byte output, as two HMACs: extract, then the one expand block.
 * Byte for byte `hkdfSync('sha256', ikm, salt, SEAL_KEK_INFO, 32)`, at half its cost (hkdfSync
 * builds a secret KeyObject and a job per call).
 */
function hkdfKek (ikm: Uint8Array, salt: Uint8Array): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest()
  try {
    return createHmac('sha256', prk).update(KEK_EXPAND_INPUT).digest()
  } finally {
    prk.fill(0)
  }
}

/** KEK for one recipient; throws (node:crypto error) when the shared secret is all zeros (small-order key). */
function deriveKek (privateKey: KeyObject, peer: KeyObject, ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Buffer {
  const shared = diffieHellman({ privateKey, publicKey: peer })
  const salt = Buffer.concat([ephemeralPublicKey, recipientPublicKey])
  const kek = hkdfKek(shared, salt)
  shared.fill(0)
  return kek
}

/** Wrap the data key for one recipient: 48 bytes. Throws if the recipient key is unusable. */
export function wrapDataKey (dek: Uint8Array, ephemeralPrivateKey: KeyObject, ephemeralPublicKey: Uint8Array, recipient: Uint8Array): Uint8Array {
  const kek = deriveKek(ephemeralPrivateKey, x25519PublicKeyObject(recipient), ephemeralPublicKey, recipient)
  const cipher = createCipheriv('aes-256-gcm', kek, ZERO_NONCE, { authTagLength: SEAL_TAG_LENGTH })
  const wrapped = Buffer.concat([cipher.update(dek), cipher.final(), cipher.getAuthTag()])
  kek.fill(0)
  return new Uint8Array(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength)
}

/** Unwrap the data key from this recipient's stanza; `seal-tampered` if it does not authenticate. */
export function unwrapDataKey (wrapped: Uint8Array, privateKey: KeyObject, header: SealHeader, recipient: Uint8Array): Uint8Array {
  let kek: Buffer
  try {
    // The ephemeral key is fresh per payload: imported, never cached.
    kek = deriveKek(privateKey, importX25519PublicKey(header.ephemeralPublicKey), header.ephemeralPublicKey, recipient)
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
