import { SEQ_KEY_LENGTH } from './constants.js'

const TWO_32 = 2 ** 32

/** Throw a TypeError unless `seq` is a non-negative safe integer. */
export function assertSeq (seq: unknown, name = 'seq'): asserts seq is number {
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new TypeError(`${name} must be a non-negative safe integer`)
  }
}

/** Encode a seq as 8 bytes big-endian, so byte order is numeric order. */
export function encodeSeq (seq: number): Uint8Array {
  assertSeq(seq)
  // Byte by byte: a DataView needs `out.buffer`, which moves a small array's bytes off V8's heap
  // (a malloc per key; keys are built for every write).
  const hi = Math.floor(seq / TWO_32)
  const lo = seq >>> 0
  return Uint8Array.of(hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff)
}

/**
 * Decode 8 bytes big-endian at `offset`; undefined when the bytes are too short
 * or the value exceeds Number.MAX_SAFE_INTEGER.
 */
export function decodeSeq (bytes: Uint8Array, offset = 0): number | undefined {
  if (bytes.length < offset + SEQ_KEY_LENGTH) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, SEQ_KEY_LENGTH)
  const hi = view.getUint32(0)
  if (hi > 0x1fffff) return undefined
  return hi * TWO_32 + view.getUint32(4)
}

/** Byte-wise equality (hashes here are public, so no constant-time compare is needed). */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A plain Uint8Array view over `bytes[start..end)` (LevelDB hands out Buffers). */
export function view (bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start)
}

/** Array.isArray without narrowing a typed readonly array to any[]. */
export function isArray (value: unknown): boolean {
  return Array.isArray(value)
}
