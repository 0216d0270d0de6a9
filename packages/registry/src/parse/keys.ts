import { assertValidPublicKey } from '@lienthong/crypto'

// Point validation costs a scalar multiplication (about 1 ms in pure JS); a replayed log meets the
// same keys again and again, so remember the keys that passed. Bounded like crypto's key cache.
const VALID_KEY_CACHE_SIZE = 4096
const validKeys = new Set<string>()

/** True when `key` is a canonical, non-small-order ed25519 public key (32 bytes). */
export function isValidSigningKey (key: Uint8Array): boolean {
  const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')
  if (validKeys.has(id)) return true
  try {
    assertValidPublicKey(key)
  } catch {
    return false
  }
  if (validKeys.size >= VALID_KEY_CACHE_SIZE) validKeys.clear()
  validKeys.add(id)
  return true
}
