/**
 * The outer CBOR array of an envelope or receipt: a fixed number of byte strings, the last one
 * possibly `null`. Read and written here directly rather than through a general CBOR decoder, so
 * that size limits are checked from the length prefixes before anything is copied, the payload
 * is returned as a view (no copy of up to 100 MiB), and only the one canonical form is accepted:
 * definite lengths in their shortest encoding, nothing before or after.
 */

const MAJOR_BYTES = 2
const MAJOR_ARRAY = 4
const CBOR_NULL = 0xf6

/** Thrown by the reader; the caller turns it into its own typed error. */
export class FrameError extends Error {}

function writeHead (out: Uint8Array, pos: number, major: number, value: number): number {
  const m = major << 5
  if (value < 24) {
    out[pos] = m | value
    return pos + 1
  }
  if (value < 0x100) {
    out[pos] = m | 24
    out[pos + 1] = value
    return pos + 2
  }
  if (value < 0x10000) {
    out[pos] = m | 25
    out[pos + 1] = value >>> 8
    out[pos + 2] = value & 0xff
    return pos + 3
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  if (value < 0x100000000) {
    out[pos] = m | 26
    view.setUint32(pos + 1, value)
    return pos + 5
  }
  out[pos] = m | 27
  view.setBigUint64(pos + 1, BigInt(value))
  return pos + 9
}

function headLength (value: number): number {
  if (value < 24) return 1
  if (value < 0x100) return 2
  if (value < 0x10000) return 3
  if (value < 0x100000000) return 5
  return 9
}

/** Encode `[bstr, bstr, ..., bstr | null]` in one allocation. */
export function writeFrame (items: ReadonlyArray<Uint8Array | null>): Uint8Array {
  let size = headLength(items.length)
  for (const item of items) size += item === null ? 1 : headLength(item.length) + item.length
  const out = new Uint8Array(size)
  let pos = writeHead(out, 0, MAJOR_ARRAY, items.length)
  for (const item of items) {
    if (item === null) {
      out[pos++] = CBOR_NULL
    } else {
      pos = writeHead(out, pos, MAJOR_BYTES, item.length)
      out.set(item, pos)
      pos += item.length
    }
  }
  return out
}

interface Head { major: number, value: number, end: number }

function readHead (bytes: Uint8Array, pos: number): Head {
  const first = bytes[pos]
  if (first === undefined) throw new FrameError('truncated')
  const major = first >>> 5
  const info = first & 31
  if (info < 24) return { major, value: info, end: pos + 1 }
  if (info > 27) throw new FrameError('indefinite or reserved length')
  const size = 1 << (info - 24)
  if (pos + 1 + size > bytes.length) throw new FrameError('truncated')
  let value = 0
  for (let i = 1; i <= size; i++) value = value * 256 + (bytes[pos + i] ?? 0)
  // Shortest form only (RFC 8949 §4.2.1), and lengths a JS number holds exactly.
  const min = size === 1 ? 24 : size === 2 ? 0x100 : size === 4 ? 0x10000 : 0x100000000
  if (value < min) throw new FrameError('length not in its shortest form')
  if (value > Number.MAX_SAFE_INTEGER) throw new FrameError('length too large')
  return { major, value, end: pos + 1 + size }
}

/**
 * Read `[bstr × count]`, the last item possibly `null`. `checkLength(index, length)` runs on each
 * declared length before the bytes are looked at (to throw a too-large error). Returns views into
 * `bytes`. Throws {@link FrameError} for anything else.
 */
export function readFrame (
  bytes: Uint8Array,
  count: number,
  lastMayBeNull: boolean,
  checkLength: (index: number, length: number) => void
): Array<Uint8Array | null> {
  const array = readHead(bytes, 0)
  if (array.major !== MAJOR_ARRAY || array.value !== count) throw new FrameError(`not an array of ${count}`)
  let pos = array.end
  const items: Array<Uint8Array | null> = []
  for (let i = 0; i < count; i++) {
    if (lastMayBeNull && i === count - 1 && bytes[pos] === CBOR_NULL) {
      items.push(null)
      pos += 1
      continue
    }
    const head = readHead(bytes, pos)
    if (head.major !== MAJOR_BYTES) throw new FrameError(`item ${i} is not a byte string`)
    checkLength(i, head.value)
    if (head.end + head.value > bytes.length) throw new FrameError('truncated')
    items.push(bytes.subarray(head.end, head.end + head.value))
    pos = head.end + head.value
  }
  if (pos !== bytes.length) throw new FrameError('trailing bytes')
  return items
}
