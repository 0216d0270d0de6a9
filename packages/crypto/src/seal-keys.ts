// Keys of sealing: the sender's reused ephemeral key, the KEKs cached on both sides, the KEK
// derivation, the key wrap, and the payloads' random secrets (format and trade-offs at the top of seal.ts).
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, randomFillSync, type KeyObject } from 'node:crypto'
import { LienthongError } from '@lienthong/errors'
import {
  PUBLIC_KEY_CACHE_SIZE, SEAL_EPHEMERAL_MAX_USES, SEAL_EPHEMERAL_TTL_MS, SEAL_KEK_INFO, SEAL_KEK_INFO_V1,
  SEAL_OPENER_CACHE_SIZE, SEAL_SALT_LENGTH, SEAL_TAG_LENGTH, X25519_KEY_LENGTH, X25519_PKCS8_PREFIX
} from './constants.js'
import { CryptoErrorCode } from './errors.js'
import { sha256 } from './hash.js'
import type { NodeKey } from './keys.js'
import {
  DATA_KEY_LENGTH, WRAP_NONCE_LENGTH, encodeHeader, sealMalformed, sealTampered, wrappedKeyOffset, type SealHeader, type SealVersion
} from './seal-format.js'
import { importX25519PublicKey, rawX25519PublicKey, x25519PrivateKeyObject, x25519PublicKeyObject } from './x25519.js'
import { latin1 } from './latin1.js'

const ZERO_NONCE = Buffer.alloc(WRAP_NONCE_LENGTH)
// HKDF's expand input for a 32-byte output: info | 0x01 (RFC 5869 §2.3, one block).
const EXPAND_INPUT = {
  1: Buffer.concat([Buffer.from(SEAL_KEK_INFO_V1, 'utf8'), Buffer.from([1])]),
  2: Buffer.concat([Buffer.from(SEAL_KEK_INFO, 'utf8'), Buffer.from([1])])
} as const

/** Wipe every key of a cache and empty it. */
function wipe (cache: Map<string, Buffer>): void {
  for (const secret of cache.values()) secret.fill(0)
  cache.clear()
}

/**
 * KEK = HKDF-SHA256(ikm = the X25519 secret, salt = ephPub | recipientPub, info of the version)
 * with a 32-byte output, as two HMACs: extract, then the one expand block. Byte for byte
 * `hkdfSync('sha256', ikm, salt, info, 32)`, at half its cost (hkdfSync builds a secret KeyObject
 * and a job per call). Wipes `ikm`: the KEK is all that is kept of it.
 */
function deriveKek (version: SealVersion, ikm: Buffer, ephemeralPublicKey: Uint8Array, recipient: Uint8Array): Buffer {
  const prk = createHmac('sha256', Buffer.concat([ephemeralPublicKey, recipient])).update(ikm).digest()
  ikm.fill(0)
  try {
    return createHmac('sha256', prk).update(EXPAND_INPUT[version]).digest()
  } finally {
    prk.fill(0)
  }
}

/**
 * A sender's ephemeral key, with the KEK it shares with each recipient so far (derived from their
 * X25519 secret, which is wiped at once).
 *
 * Made from 32 random bytes (X25519 clamps any), not with generateKeyPair(Sync): on Node 20.20.2
 * exporting the public key of a generated pair as a JWK can deadlock the main thread (the export
 * holds the key's mutex while allocating; the GC it triggers finalizes the key generation job,
 * whose destructor waits for that mutex; a loop of such pairs hung after about 250 000). Without a
 * generation job there is nothing to finalize. It costs a few hundred microseconds, once per
 * SEAL_EPHEMERAL_MAX_USES payloads or SEAL_EPHEMERAL_TTL_MS.
 */
export class SealingKey {
  uses = 0
  readonly privateKey: KeyObject
  readonly publicKey: Uint8Array
  private readonly keks = new Map<string, Buffer>()

  constructor (rawPrivateKey: Uint8Array, readonly expiresAt: number) {
    if (rawPrivateKey.length !== X25519_KEY_LENGTH) throw new TypeError('an X25519 private key is 32 bytes')
    const der = Buffer.concat([X25519_PKCS8_PREFIX, rawPrivateKey])
    this.privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    der.fill(0)
    this.publicKey = rawX25519PublicKey(createPublicKey(this.privateKey))
  }

  /** The v2 KEK for `recipient`, computed once per recipient; throws for a small-order key. */
  kekFor (recipient: Uint8Array): Buffer {
    const id = latin1(recipient)
    let kek = this.keks.get(id)
    if (kek === undefined) {
      const secret = diffieHellman({ privateKey: this.privateKey, publicKey: x25519PublicKeyObject(recipient) })
      kek = deriveKek(2, secret, this.publicKey, recipient)
      if (this.keks.size >= PUBLIC_KEY_CACHE_SIZE) wipe(this.keks)
      this.keks.set(id, kek)
    }
    return kek
  }

  /** The key is retired: wipe its KEKs (the KeyObject itself cannot be wiped, only dropped). */
  retire (): void {
    wipe(this.keks)
  }
}

// Random bytes for the payloads' DEKs and salts, drawn a few KiB at a time: randomFillSync costs
// about as much for 48 bytes as for 4 KiB (a few microseconds, most of it the call itself).
const POOL_SIZE = 4096
const pool = new Uint8Array(POOL_SIZE)
let pooled = 0

/**
 * `length` (at most 4 KiB) fresh random bytes, for one payload's secrets: cut from a pool that
 * one randomFillSync call refills, copied out and wiped from it (no byte is handed out twice).
 */
export function drawPayloadSecrets (length: number): Uint8Array {
  if (length > POOL_SIZE) throw new RangeError('at most 4 KiB of payload secrets at a time')
  if (pooled < length) {
    randomFillSync(pool)
    pooled = POOL_SIZE
  }
  const start = POOL_SIZE - pooled
  const out = pool.slice(start, start + length)
  pool.fill(0, start, start + length)
  pooled -= length
  return out
}

/** DEK and salt, fresh per payload, in one draw: the salt is what lets the ephemeral key be reused. */
export function payloadSecrets (): { dataKey: Uint8Array, salt: Uint8Array } {
  const secrets = drawPayloadSecrets(DATA_KEY_LENGTH + SEAL_SALT_LENGTH)
  return { dataKey: secrets.subarray(0, DATA_KEY_LENGTH), salt: secrets.subarray(DATA_KEY_LENGTH) }
}

let now = (): number => performance.now()
let current: SealingKey | undefined

/**
 * The ephemeral key to seal the next payload with: the current one, or a new one when it has
 * sealed `SEAL_EPHEMERAL_MAX_USES` payloads or is `SEAL_EPHEMERAL_TTL_MS` old. Counts one use.
 */
export function sealingKey (): SealingKey {
  if (current === undefined || current.uses >= SEAL_EPHEMERAL_MAX_USES || now() >= current.expiresAt) {
    current?.retire()
    const raw = randomFillSync(new Uint8Array(X25519_KEY_LENGTH))
    current = new SealingKey(raw, now() + SEAL_EPHEMERAL_TTL_MS)
    raw.fill(0)
  }
  current.uses++
  return current
}

/**
 * Retire the sender's ephemeral sealing key now, wiping the KEKs derived from it and the random
 * bytes drawn ahead for payloads: the next payload is sealed under a new one. For tests, and for
 * a node that wants a clean slate (e.g. before a long idle period); rotation otherwise happens on
 * its own.
 */
export function rotateSealingKey (): void {
  current?.retire()
  current = undefined
  pool.fill(0)
  pooled = 0
}

/** Test hook: the clock of the ephemeral key's lifetime (milliseconds); none restores the default. */
export function setSealingClock (clock?: () => number): void {
  now = clock ?? ((): number => performance.now())
}

/**
 * Wrap the data key for one recipient (v2) into `out` at `offset` (48 bytes: ct | tag), under
 * the KEK of (ephemeral key, recipient) with the payload's nonce. Throws if the recipient key is
 * unusable. The nonce is random per payload: why no (KEK, nonce) pair repeats is in seal.ts.
 */
export function wrapDataKey (dek: Uint8Array, key: SealingKey, recipient: Uint8Array, nonce: Uint8Array, out: Uint8Array, offset: number): void {
  const cipher = createCipheriv('aes-256-gcm', key.kekFor(recipient), nonce, { authTagLength: SEAL_TAG_LENGTH })
  out.set(cipher.update(dek), offset)
  cipher.final() // empty for GCM
  out.set(cipher.getAuthTag(), offset + DATA_KEY_LENGTH)
}

// Opener side: per own private key, the KEK of each ephemeral key seen lately (with the format
// version, whose info it depends on). A sender seals many payloads under one ephemeral key, so
// consecutive payloads from it cost neither an agreement nor a derivation.
const openerKeks = new WeakMap<Uint8Array, Map<string, Buffer>>()

function openerKek (ownPrivateKey: Uint8Array, header: SealHeader, recipient: Uint8Array): Buffer {
  let cache = openerKeks.get(ownPrivateKey)
  if (cache === undefined) {
    cache = new Map()
    openerKeks.set(ownPrivateKey, cache)
  }
  const id = `${header.version}${latin1(header.ephemeralPublicKey)}`
  let kek = cache.get(id)
  if (kek === undefined) {
    let secret: Buffer
    try {
      secret = diffieHellman({ privateKey: x25519PrivateKeyObject(ownPrivateKey), publicKey: importX25519PublicKey(header.ephemeralPublicKey) })
    } catch {
      // X25519 with a small-order ephemeral key gives an all-zero secret, which OpenSSL refuses.
      throw sealMalformed('unusable ephemeral key')
    }
    kek = deriveKek(header.version, secret, header.ephemeralPublicKey, recipient)
    // A plain bounded cache: when full, wipe and start again.
    if (cache.size >= SEAL_OPENER_CACHE_SIZE) wipe(cache)
    cache.set(id, kek)
  }
  return kek
}

/** Unwrap the data key from this recipient's stanza; `seal-tampered` if it does not authenticate. */
export function unwrapDataKey (wrapped: Uint8Array, ownPrivateKey: Uint8Array, header: SealHeader, recipient: Uint8Array): Uint8Array {
  const kek = openerKek(ownPrivateKey, header, recipient)
  // v2: the first 12 bytes of the payload's salt; v1: zero (its KEK was fresh per payload).
  const nonce = header.version === 2 ? header.salt.subarray(0, WRAP_NONCE_LENGTH) : ZERO_NONCE
  let plain: Buffer | undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, nonce, { authTagLength: SEAL_TAG_LENGTH })
    decipher.setAuthTag(wrapped.subarray(DATA_KEY_LENGTH))
    plain = decipher.update(wrapped.subarray(0, DATA_KEY_LENGTH))
    decipher.final()
    // An owned copy, out of Node's shared Buffer pool, so that wiping it leaves no other copy behind.
    return new Uint8Array(plain)
  } catch {
    throw sealTampered('wrapped key')
  } finally {
    plain?.fill(0)
  }
}

/**
 * The header, with the data key wrapped for every recipient, written at the start of `out` when
 * given (else in a buffer of its own). Wipes the data key and throws for an unusable recipient.
 */
export function sealHeader (recipients: Uint8Array[], chunkSize: number, ephemeral: SealingKey, dataKey: Uint8Array, salt: Uint8Array, out?: Uint8Array): Uint8Array {
  const header = encodeHeader(ephemeral.publicKey, salt, recipients, chunkSize, out)
  const nonce = salt.subarray(0, WRAP_NONCE_LENGTH)
  recipients.forEach((recipient, index) => {
    try {
      wrapDataKey(dataKey, ephemeral, recipient, nonce, header, wrappedKeyOffset(index))
    } catch {
      // X25519 gives an all-zero secret for a small-order point: that key can receive nothing.
      dataKey.fill(0)
      throw new LienthongError(CryptoErrorCode.SEAL_RECIPIENTS, 'unusable recipient key (small order)', { index })
    }
  })
  return header
}

/** The data key of `header` for `key`, and the chunks' AAD: `seal-not-recipient`, or `seal-tampered` from the wrapped key. */
export function unwrapFor (key: NodeKey, header: SealHeader): { dataKey: Uint8Array, aad: Uint8Array } {
  const own = Buffer.from(key.sealingPublicKey.buffer, key.sealingPublicKey.byteOffset, key.sealingPublicKey.byteLength)
  const index = header.recipients.findIndex((recipient) => own.equals(recipient))
  if (index < 0) {
    throw new LienthongError(CryptoErrorCode.SEAL_NOT_RECIPIENT, 'this key is not a recipient of the sealed payload', { recipients: header.recipients.length })
  }
  const dataKey = unwrapDataKey(header.wrappedKeys[index]!, key.sealingPrivateKey, header, key.sealingPublicKey)
  // v2 authenticates the header itself; v1 its SHA-256.
  return { dataKey, aad: sha256(header.bytes) }
}
