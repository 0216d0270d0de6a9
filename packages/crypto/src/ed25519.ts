import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { LienthongError } from '@lienthong/errors'
import {
  ED25519_PKCS8_PREFIX, ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH, ED25519_SIGNATURE_LENGTH,
  ED25519_SPKI_PREFIX, PUBLIC_KEY_CACHE_SIZE
} from './constants.js'
import { verifyInBackground } from './background.js'
import { CryptoErrorCode } from './errors.js'
import { latin1 } from './latin1.js'

ed.hashes.sha512 = sha512

/**
 * Verification rule (decided once for the whole network): **strict RFC 8032 §5.1.7, cofactorless**,
 * as OpenSSL (node:crypto) implements it: S must be canonical (S < L, so signatures are not
 * malleable), the public key must be a canonical encoding, and the check is `encode([S]B - [k]A) == R`
 * byte for byte (so R must be canonical too). Both backends implement exactly this predicate, so they
 * agree on every input, honest or crafted:
 * - @noble/ed25519's own `verify` is *cofactored* even with `zip215: false` (`[8]([S]B - R - [k]A) == 0`),
 *   which accepts signatures whose R carries a small-order component; so `nobleBackend.verify` runs
 *   the cofactorless equation itself on noble's point arithmetic.
 * - OpenSSL accepts small-order public keys, and with the identity key a signature (R = identity,
 *   S = 0) verifies for *every* message; both backends refuse small-order keys at verify time
 *   (node:crypto: once per key, next to the cached KeyObject).
 *
 * ZIP-215 exists so that independent verifiers agree on edge cases in *batch* verification for
 * consensus systems; Lienthong verifies one signature at a time. Every signing key is also admitted
 * through the registry after `assertValidPublicKey` (canonical, in the prime-order subgroup): with
 * such a key, the only signatures on which a cofactored verifier (ZIP-215, noble's own) would
 * disagree are ones its own holder crafted with a small-order component in R, and both backends
 * reject those.
 *
 * `sign` and `verify` must not keep `message` after they return: sign.ts passes a reused buffer.
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
// `null` marks a key refused once (not canonical, or of small order): verify returns false for it.
const publicKeys = new Map<string, KeyObject | null>()
const ED25519_ORDER = ed.Point.CURVE().n

function bytesToNumberLE (bytes: Uint8Array): bigint {
  return BigInt('0x' + (Buffer.from(bytes).reverse().toString('hex') || '0'))
}

/** Strict decode of a public key; undefined if it is not canonical or of small order. */
function verifyingPoint (publicKey: Uint8Array): ed.Point | undefined {
  try {
    const point = ed.Point.fromBytes(publicKey, false)
    return point.isSmallOrder() ? undefined : point
  } catch {
    return undefined
  }
}

function privateKeyObject (seed: Uint8Array): KeyObject {
  let key = privateKeys.get(seed)
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
    privateKeys.set(seed, key)
  }
  return key
}

function publicKeyObject (publicKey: Uint8Array): KeyObject | null {
  const id = latin1(publicKey)
  let key = publicKeys.get(id)
  if (key === undefined) {
    try {
      key = verifyingPoint(publicKey) === undefined
        ? null
        : createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    } catch {
      // OpenSSL refuses to import some invalid points: that is a failed verification, not a crash.
      key = null
    }
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
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array')
    const key = publicKeyObject(publicKey)
    if (key === null) return false
    try {
      return nodeVerify(null, message, key, signature)
    } catch {
      return false
    }
  }
}


/**
 * `nodeBackend.verify` as a job on libuv's thread pool (node:crypto, same predicate, same cached
 * keys): the main thread only queues it. For a node that checks many signatures at once.
 */
export async function nodeVerifyAsync (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  checkLength('ed25519 public key', publicKey, ED25519_PUBLIC_KEY_LENGTH)
  checkLength('ed25519 signature', signature, ED25519_SIGNATURE_LENGTH)
  if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array')
  const key = publicKeyObject(publicKey)
  return key === null ? false : await verifyInBackground(key, message, signature)
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
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array')
    // RFC 8032 §5.1.7, cofactorless, as OpenSSL does it (see the comment at the top).
    const A = verifyingPoint(publicKey)
    if (A === undefined) return false
    const s = bytesToNumberLE(signature.subarray(32))
    if (s >= ED25519_ORDER) return false
    const r = signature.subarray(0, 32)
    const k = bytesToNumberLE(sha512(ed.etc.concatBytes(r, publicKey, message))) % ED25519_ORDER
    const R = ed.Point.BASE.multiply(s, false).subtract(A.multiply(k, false))
    return Buffer.from(R.toBytes()).equals(Buffer.from(r.buffer, r.byteOffset, r.byteLength))
  }
}

/**
 * Throws `crypto-bad-public-key` unless the key is the canonical encoding of a point of the
 * prime-order subgroup (not of small order, no small-order component). Run it when a key enters
 * the registry, not on every verify: honest keys always pass, and on such keys cofactored and
 * cofactorless verifiers agree.
 */
export function assertValidPublicKey (publicKey: Uint8Array): void {
  checkLength('ed25519 public key', publicKey, ED25519_PUBLIC_KEY_LENGTH)
  // verifyingPoint decodes strictly (canonical y, no x = 0 with the sign bit) and refuses small order.
  const point = verifyingPoint(publicKey)
  const ok = point !== undefined && point.isTorsionFree() && Buffer.from(point.toBytes()).equals(Buffer.from(publicKey))
  if (!ok) throw new LienthongError(CryptoErrorCode.BAD_PUBLIC_KEY, 'not a valid ed25519 public key', {})
}
