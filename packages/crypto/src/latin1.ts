/**
 * Short `bytes` (keys, signatures) as a string of one character per byte, for cache and set keys.
 * Built with `String.fromCharCode.apply`: a Buffer over `bytes.buffer` would first move a small
 * array (≤ 64 bytes, such as a key decoded from a header) off V8's heap, a malloc per call, and a
 * spread builds an array first (6× slower for 64 bytes). Not for long inputs (one argument per byte).
 */
export function latin1 (bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[])
}
