import { createPrivateKey, createPublicKey, hkdfSync, randomBytes } from 'node:crypto'
import { ED25519_SEED_LENGTH, X25519_FROM_SEED_INFO, X25519_KEY_LENGTH, X25519_PKCS8_PREFIX } from './constants.js'
import { checkLength, nodeBackend } from './ed25519.js'

/**
 * A node's (or the coordinator's) identity: one 32-byte ed25519 seed. From it come the signing
 * key, the libp2p PeerId (same key, so the key that authenticates the Noise channel is the key
 * that signs) and, through HKDF, the X25519 key used to open payloads sealed for this node.
 */
export interface NodeKey {
  /** The secret: never logged, written only to a 0600 key file. */
  readonly seed: Uint8Array
  /** ed25519 public key (32 bytes): the verifying key, and the key inside the PeerId. */
  readonly publicKey: Uint8Array
  /** X25519 secret key for opening sealed payloads. */
  readonly sealingPrivateKey: Uint8Array
  /** X25519 public key, published in the registry next to the signing key. */
  readonly sealingPublicKey: Uint8Array
}

/** Rebuild a NodeKey from its seed (deterministic). */
export function nodeKeyFromSeed (seed: Uint8Array): NodeKey {
  checkLength('ed25519 seed', seed, ED25519_SEED_LENGTH)
  const ownSeed = Uint8Array.from(seed)
  const sealingPrivateKey = new Uint8Array(hkdfSync('sha256', ownSeed, new Uint8Array(0), X25519_FROM_SEED_INFO, X25519_KEY_LENGTH))
  return {
    seed: ownSeed,
    publicKey: nodeBackend.publicKeyFromSeed(ownSeed),
    sealingPrivateKey,
    sealingPublicKey: x25519PublicKey(sealingPrivateKey)
  }
}

/** A fresh random identity. */
export function generateNodeKey (): NodeKey {
  return nodeKeyFromSeed(new Uint8Array(randomBytes(ED25519_SEED_LENGTH)))
}

/** The X25519 public key of a raw X25519 private key. */
export function x25519PublicKey (privateKey: Uint8Array): Uint8Array {
  checkLength('x25519 private key', privateKey, X25519_KEY_LENGTH)
  const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  return Uint8Array.from(spki.subarray(spki.length - X25519_KEY_LENGTH))
}
