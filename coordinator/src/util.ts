import { timingSafeEqual } from 'node:crypto'

/** Equal byte strings, compared in constant time (for keys and token hashes). */
export function bytesEqualConstantTime (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
