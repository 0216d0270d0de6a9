/**
 * Bytes that live only until LevelDB copies them: keys, small values and records of a write or a
 * read. They are cut from a shared 64 KiB slab instead of being arrays of their own, because each
 * array of its own is expensive here (measured on this machine, CPU of all threads per array):
 * above 64 bytes a Uint8Array is a malloc, a free and a sweep of V8's array-buffer list (1–2 µs);
 * at or below 64 bytes it lives on V8's heap and is copied out to a malloc'ed buffer (≈ 1 µs) the
 * first time native code such as LevelDB's binding reads it. A slab piece costs ≈ 0.1 µs, and the
 * slab is off V8's heap already. The sender wrote ≈ 10 such arrays per envelope.
 *
 * Only for bytes nobody keeps: a piece held on to keeps its whole slab alive. Never for secrets
 * (nothing wipes a slab). Pieces are handed out once, zero-filled, never reused.
 */

const SLAB_BYTES = 64 * 1024
/** Larger requests get an array of their own (a slab would be spent on few of them). */
const MAX_PIECE_BYTES = 4 * 1024

let slab = new Uint8Array(SLAB_BYTES)
let used = 0

/** `length` zeroed bytes for a LevelDB key, value or record that is written or read and dropped. */
export function transientBytes (length: number): Uint8Array {
  if (length > MAX_PIECE_BYTES) return new Uint8Array(length)
  if (used + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    used = 0
  }
  const piece = slab.subarray(used, used + length)
  used += (length + 7) & ~7
  return piece
}

/**
 * `parts` (ASCII strings, or bytes) as one transient key: the keys of every outbox and inbox write
 * are built here, in one piece per key. Ids and PeerIds are ASCII (checked on the way in); a
 * string with anything else is encoded as UTF-8.
 */
export function keyBytes (...parts: Array<string | Uint8Array>): Uint8Array {
  let length = 0
  for (const part of parts) {
    if (typeof part === 'string' && !isAscii(part)) return joined(parts.map(p => typeof p === 'string' ? encoder.encode(p) : p))
    length += part.length
  }
  const out = transientBytes(length)
  let offset = 0
  for (const part of parts) {
    if (typeof part === 'string') {
      for (let i = 0; i < part.length; i++) out[offset + i] = part.charCodeAt(i)
    } else {
      out.set(part, offset)
    }
    offset += part.length
  }
  return out
}

const encoder = new TextEncoder()

/** Whether every character of `s` is ASCII (one UTF-8 byte each). */
export function isAscii (s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

function joined (parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = transientBytes(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** `prefix ‖ key` as transient bytes: the key LevelDB sees for `key` of a namespace. */
export function prefixed (prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = transientBytes(prefix.length + key.length)
  out.set(prefix)
  out.set(key, prefix.length)
  return out
}

/**
 * `bytes` as LevelDB's binding reads them cheaply: as they are when large (their buffer is off
 * V8's heap), else copied into a slab piece (a small array may be on V8's heap; copying is cheaper
 * than the move native code would make).
 */
export function forNative (bytes: Uint8Array): Uint8Array {
  if (bytes.length > 64) return bytes
  const out = transientBytes(bytes.length)
  out.set(bytes)
  return out
}
