import { ED25519_SIGNATURE_LENGTH } from './constants.js'
import { nodeBackend, nodeVerifyAsync, type Ed25519Backend } from './ed25519.js'
import type { NodeKey } from './keys.js'

const encoder = new TextEncoder()
const DOMAIN_PATTERN = /^lienthong\/[a-z0-9-]+(\/[a-z0-9-]+)*\/v[0-9]+$/

/**
 * The exact bytes a signature covers: the UTF-8 domain (e.g. `lienthong/envelope/v1`), one zero
 * byte, then the message bytes as they travel. A signature made for one kind of object can never
 * be replayed as another, and nothing is re-encoded before verification.
 */
export function signedBytes (domain: string, message: Uint8Array): Uint8Array {
  if (!DOMAIN_PATTERN.test(domain)) throw new TypeError(`invalid signature domain: ${domain}`)
  const prefix = encoder.encode(domain)
  const out = new Uint8Array(prefix.length + 1 + message.length)
  out.set(prefix, 0)
  out.set(message, prefix.length + 1)
  return out
}

/** Sign `message` under `domain` with the node's key (node:crypto unless a backend is given). */
export function sign (key: NodeKey, domain: string, message: Uint8Array, backend: Ed25519Backend = nodeBackend): Uint8Array {
  return backend.sign(key.seed, signedBytes(domain, message))
}

/**
 * Verify a domain-separated signature. Returns false for a wrong signature; throws a typed
 * `crypto-bad-length` error only for malformed input (wrong key or signature length).
 */
export function verify (publicKey: Uint8Array, domain: string, message: Uint8Array, signature: Uint8Array, backend: Ed25519Backend = nodeBackend): boolean {
  return backend.verify(publicKey, signedBytes(domain, message), signature)
}


/**
 * `verify` with node:crypto, run on libuv's thread pool (a few jobs at a time) instead of the
 * main thread: the same result, for a node checking many signatures while it does other work.
 * Rejects with `crypto-bad-length` for a key or signature of the wrong length.
 */
export async function verifyAsync (publicKey: Uint8Array, domain: string, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return await nodeVerifyAsync(publicKey, signedBytes(domain, message), signature)
}

export { ED25519_SIGNATURE_LENGTH as SIGNATURE_LENGTH }
