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
  const prefix = domainPrefix(domain)
  const out = new Uint8Array(prefix.length + message.length)
  out.set(prefix, 0)
  out.set(message, prefix.length)
  return out
}

/** UTF-8 domain and its zero byte, per domain (a handful exist): checked and encoded once. */
const prefixes = new Map<string, Uint8Array>()
const MAX_CACHED_DOMAINS = 64

function domainPrefix (domain: string): Uint8Array {
  let prefix = prefixes.get(domain)
  if (prefix === undefined) {
    if (!DOMAIN_PATTERN.test(domain)) throw new TypeError(`invalid signature domain: ${domain}`)
    prefix = encoder.encode(`${domain}\0`)
    if (prefixes.size < MAX_CACHED_DOMAINS) prefixes.set(domain, prefix)
  }
  return prefix
}

/**
 * `signedBytes` written into one reused buffer, for the synchronous sign and verify below: the
 * bytes are read before they return and never kept, so a hot path (an envelope header, a receipt
 * root) does not allocate them per call. Messages above SCRATCH_MAX_BYTES get their own copy.
 */
const SCRATCH_MAX_BYTES = 64 * 1024
let scratch = new Uint8Array(1024)

function transientSignedBytes (domain: string, message: Uint8Array): Uint8Array {
  const prefix = domainPrefix(domain)
  const length = prefix.length + message.length
  if (length > SCRATCH_MAX_BYTES) return signedBytes(domain, message)
  if (length > scratch.length) scratch = new Uint8Array(Math.min(SCRATCH_MAX_BYTES, 2 ** Math.ceil(Math.log2(length))))
  scratch.set(prefix, 0)
  scratch.set(message, prefix.length)
  return scratch.subarray(0, length)
}

/** Sign `message` under `domain` with the node's key (node:crypto unless a backend is given). */
export function sign (key: NodeKey, domain: string, message: Uint8Array, backend: Ed25519Backend = nodeBackend): Uint8Array {
  return backend.sign(key.seed, transientSignedBytes(domain, message))
}

/**
 * Verify a domain-separated signature. Returns false for a wrong signature; throws a typed
 * `crypto-bad-length` error only for malformed input (wrong key or signature length).
 */
export function verify (publicKey: Uint8Array, domain: string, message: Uint8Array, signature: Uint8Array, backend: Ed25519Backend = nodeBackend): boolean {
  return backend.verify(publicKey, transientSignedBytes(domain, message), signature)
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
