import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { LienthongError } from '@lienthong/errors'
import {
  ED25519_PKCS8_PREFIX, ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH, ED25519_SIGNATURE_LENGTH,
  ED25519_SPKI_PREFIX, PUBLIC_KEY_CACHE_SIZE
} from './constants.js'
import { CryptoErrorCode } from './errors.js'

ed.hashes.sha512 = sha512

/**
 * Verification rule (decided once for the whole network): **strict RFC 8032**, cofactorless,
 * canonical encodings required, as OpenSSL (node:crypto) implements it; @noble/ed25519 runs with
 * `zip215: false` to match. ZIP-215 exists so that independent verifiers agree on edge cases in
 * *batch* verification for consensus systems; Lienthong verifies one signature at a time, and every
 * signing key is admitted through the registry after `assertValidPublicKey` (canonical, not of small
 * order), so the edge cases where the two rules differ cannot come from an honest key. Strict also
 * refuses non-canonical (malleable) signatures, which keeps signature bytes unique per message.
 */
export interface Ed25519Backend {
  readonly name: string
  publicKeyFromSeed: (seed: Uint8Array) => Uint8Array
  sign: (seed: Uint8Array, message: Uint8Array) => Uint8Array
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean
}

export function checkLength (what: string, value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`)
  if (value.length !== length) {
    throw new LienthongError(CryptoErrorCode.BAD_LENGTH, `${what} must be ${length} bytes`, { what, length: value.length, expected: length })
  }
}

const privateKeys = new WeakMap<Uint8Array, KeyObject>()
const publicKeys = new Map<string, KeyObject>()

function privateKeyObject (seed: Uint8Array): KeyObject {
  let key = privateKeys.get(seed)
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
    privateKeys.set(seed, key)
  }
  return key
}

function publicKeyObject (publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1')
  let key = publicKeys.get(id)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    // A plain bounded cache: when full, start again (keys of a live network refill it quickly).
    if (publicKeys.size >= PUBLIC_KEY_CACHE_SIZE) publicKeys.clear()
    publicKeys.set(id, key)
  }
  return key
}

/** The hot path: OpenSSL through node:crypto, with KeyObjects cached per key. */
export const nodeBackend: Ed25519Backend = {
  name: 'node:crypto',
  publicKeyFromSeed (seed) {
    checkLength('ed25519 seed', seed, ED25519_SEED_LENGTH)
    const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' })
    return Uint8Array.from(spki.subarray(spki.length - ED25519_PUBLIC_KEY_LENGTH))
  },
  sign (seed, message) {
    checkLength('ed25519 seed', seed, ED25519_SEED_LENGTH)
    return new Uint8Array(nodeSign(null, message, privateKeyObject(seed)))
  },
  verify (publicKey, message, signature) {
    checkLength('ed25519 public key', publicKey, ED25519_PUBLIC_KEY_LENGTH)
    checkLength('ed25519 signature', signature, ED25519_SIGNATURE_LENGTH)
    try {
      return nodeVerify(null, message, publicKeyObject(publicKey), signature)
    } catch {
      // OpenSSL refuses to import some invalid points: that is a failed verification, not a crash.
      return false
    }
  }
}

/** The portable reference (pure JS, what a browser uses): about 14× slower to verify. */
export const nobleBackend: Ed25519Backend = {
  name: '@noble/ed25519',
  publicKeyFromSeed (seed) {
    checkLength('ed25519 seed', seed, ED25519_SEED_LENGTH)
    return ed.getPublicKey(seed)
  },
  sign (seed, message) {
    checkLength('ed25519 seed', seed, ED25519_SEED_LENGTH)
    return ed.sign(message, seed)
  },
  verify (publicKey, message, signature) {
    checkLength('ed25519 public key', publicKey, ED25519_PUBLIC_KEY_LENGTH)
    checkLength('ed25519 signature', signature, ED25519_SIGNATURE_LENGTH)
    try {
      return ed.verify(signature, message, publicKey, { zip215: false })
    } catch {
      return false
    }
  }
}

/**
 * Throws `crypto-bad-public-key` unless the key is a canonical encoding of a curve point that is
 * not of small order. Run it when a key enters the registry, not on every verify.
 */
export function assertValidPublicKey (publicKey: Uint8Array): void {
  checkLength('ed25519 public key', publicKey, ED25519_PUBLIC_KEY_LENGTH)
  let ok = false
  try {
    const point = ed.Point.fromBytes(publicKey, false)
    ok = !point.isSmallOrder() && Buffer.from(point.toBytes()).equals(Buffer.from(publicKey))
  } catch {
    ok = false
  }
  if (!ok) throw new LienthongError(CryptoErrorCode.BAD_PUBLIC_KEY, 'not a valid ed25519 public key', {})
}
