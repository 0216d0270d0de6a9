/** Byte-wise equality of public values (keys, digests; not constant-time): a plain loop, which for 32 bytes is cheaper than wrapping both sides in Buffers. */
export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
