// node:crypto KeyObjects for raw X25519 keys, cached where the same keys come back.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { PUBLIC_KEY_CACHE_SIZE, X25519_KEY_LENGTH, X25519_PKCS8_PREFIX } from './constants.js'
import { latin1 } from './latin1.js'

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
  const id = latin1(publicKey)
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
