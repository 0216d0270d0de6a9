// X25519 keys of sealing: the sender's reused ephemeral key, the caches of shared secrets on both
// sides, the KEK derivation and the key wrap (format and trade-offs at the top of seal.ts).
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, randomFillSync, type KeyObject } from 'node:crypto'
import {
  PUBLIC_KEY_CACHE_SIZE, SEAL_EPHEMERAL_MAX_USES, SEAL_EPHEMERAL_TTL_MS, SEAL_KEK_INFO, SEAL_KEK_INFO_V1,
  SEAL_OPENER_CACHE_SIZE, SEAL_TAG_LENGTH, X25519_KEY_LENGTH, X25519_PKCS8_PREFIX
} from './constants.js'
import { DATA_KEY_LENGTH, sealMalformed, sealTampered, type SealHeader } from './seal-format.js'
import { importX25519PublicKey, rawX25519PublicKey, x25519PrivateKeyObject, x25519PublicKeyObject } from './x25519.js'

const ZERO_NONCE = Buffer.alloc(12)
// HKDF's expand input for a 32-byte output: info | 0x01 (RFC 5869 §2.3, one block).
const EXPAND_INPUT = {
  1: Buffer.concat([Buffer.from(SEAL_KEK_INFO_V1, 'utf8'), Buffer.from([1])]),
  2: Buffer.concat([Buffer.from(SEAL_KEK_INFO, 'utf8'), Buffer.from([1])])
} as const

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')

/** Wipe every secret of a cache and empty it. */
function wipe (cache: Map<string, Buffer>): void {
  for (const secret of cache.values()) secret.fill(0)
  cache.clear()
}

/**
 * HKDF-SHA256 (RFC 5869) with a 32-byte output, as two HMACs: extract, then the one expand block.
 * Byte for byte `hkdfSync('sha256', ikm, salt, info, 32)`, at half its cost (hkdfSync builds a
 * secret KeyObject and a job per call).
 */
function deriveKek (version: 1 | 2, ikm: Uint8Array, ephemeralPublicKey: Uint8Array, recipient: Uint8Array, salt: Uint8Array): Buffer {
  const extract = createHmac('sha256', Buffer.concat([ephemeralPublicKey, recipient, salt])).update(ikm)
  const prk = extract.digest()
  try {
    return createHmac('sha256', prk).update(EXPAND_INPUT[version]).digest()
  } finally {
    prk.fill(0)
  }
}

/**
 * A sender's ephemeral key, with the X25519 secrets it shares with each recipient so far.
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
  private readonly secrets = new Map<string, Buffer>()

  constructor (rawPrivateKey: Uint8Array, readonly expiresAt: number) {
    if (rawPrivateKey.length !== X25519_KEY_LENGTH) throw new TypeError('an X25519 private key is 32 bytes')
    const der = Buffer.concat([X25519_PKCS8_PREFIX, rawPrivateKey])
    this.privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    der.fill(0)
    this.publicKey = rawX25519PublicKey(createPublicKey(this.privateKey))
  }

  /** X25519(ephemeral, recipient), computed once per recipient; throws for a small-order key. */
  secretFor (recipient: Uint8Array): Buffer {
    const id = latin1(recipient)
    let secret = this.secrets.get(id)
    if (secret === undefined) {
      secret = diffieHellman({ privateKey: this.privateKey, publicKey: x25519PublicKeyObject(recipient) })
      if (this.secrets.size >= PUBLIC_KEY_CACHE_SIZE) wipe(this.secrets)
      this.secrets.set(id, secret)
    }
    return secret
  }

  /** The key is retired: wipe its secrets (the KeyObject itself cannot be wiped, only dropped). */
  retire (): void {
    wipe(this.secrets)
  }
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
 * Retire the sender's ephemeral sealing key now, wiping the secrets derived from it: the next
 * payload is sealed under a new one. For tests, and for a node that wants a clean slate (e.g.
 * before a long idle period); rotation otherwise happens on its own.
 */
export function rotateSealingKey (): void {
  current?.retire()
  current = undefined
}

/** Test hook: the clock of the ephemeral key's lifetime (milliseconds); none restores the default. */
export function setSealingClock (clock?: () => number): void {
  now = clock ?? ((): number => performance.now())
}

/** Wrap the data key for one recipient (v2): 48 bytes. Throws if the recipient key is unusable. */
export function wrapDataKey (dek: Uint8Array, key: SealingKey, recipient: Uint8Array, salt: Uint8Array): Uint8Array {
  const kek = deriveKek(2, key.secretFor(recipient), key.publicKey, recipient, salt)
  // The zero nonce is safe: the per-payload salt makes this KEK unique (see seal.ts).
  const cipher = createCipheriv('aes-256-gcm', kek, ZERO_NONCE, { authTagLength: SEAL_TAG_LENGTH })
  const wrapped = Buffer.concat([cipher.update(dek), cipher.final(), cipher.getAuthTag()])
  kek.fill(0)
  return new Uint8Array(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength)
}

// Opener side: per own private key, X25519(own, ephemeral) by ephemeral key. A sender now seals
// many payloads under one ephemeral key, so consecutive payloads from it cost no agreement.
const openerSecrets = new WeakMap<Uint8Array, Map<string, Buffer>>()

function openerSecret (ownPrivateKey: Uint8Array, ephemeralPublicKey: Uint8Array): Buffer {
  let cache = openerSecrets.get(ownPrivateKey)
  if (cache === undefined) {
    cache = new Map()
    openerSecrets.set(ownPrivateKey, cache)
  }
  const id = latin1(ephemeralPublicKey)
  let secret = cache.get(id)
  if (secret === undefined) {
    try {
      secret = diffieHellman({ privateKey: x25519PrivateKeyObject(ownPrivateKey), publicKey: importX25519PublicKey(ephemeralPublicKey) })
    } catch {
      // X25519 with a small-order ephemeral key gives an all-zero secret, which OpenSSL refuses.
      throw sealMalformed('unusable ephemeral key')
    }
    // A plain bounded cache: when full, wipe and start again.
    if (cache.size >= SEAL_OPENER_CACHE_SIZE) wipe(cache)
    cache.set(id, secret)
  }
  return secret
}

/** Unwrap the data key from this recipient's stanza; `seal-tampered` if it does not authenticate. */
export function unwrapDataKey (wrapped: Uint8Array, ownPrivateKey: Uint8Array, header: SealHeader, recipient: Uint8Array): Uint8Array {
  const secret = openerSecret(ownPrivateKey, header.ephemeralPublicKey)
  const kek = deriveKek(header.version, secret, header.ephemeralPublicKey, recipient, header.salt)
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
