import { LienthongError } from '@lienthong/errors'
import { assertSeq, decodeSeq, view } from './codec.js'
import { StoreErrorCode } from './errors.js'
import { isAscii, transientBytes } from './transient.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Canonical ULID: Crockford base32, upper case, first character ≤ 7 (48-bit time). */
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/
/** PeerIds, org codes, owners: printable ASCII, so 0x00 can separate key parts. */
const TOKEN_PATTERN = /^[\x21-\x7e]{1,256}$/

/** UTF-8 bytes of a string. */
export function utf8 (s: string): Uint8Array {
  return encoder.encode(s)
}

/** Concatenate byte strings. */
export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** TypeError unless `id` is a canonical ULID string. */
export function assertUlid (id: unknown, name = 'id'): asserts id is string {
  if (typeof id !== 'string' || !ULID_PATTERN.test(id)) throw new TypeError(`${name} must be a canonical ULID string`)
}

/** TypeError unless `value` is 1–256 printable ASCII characters (no spaces). */
export function assertToken (value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || !TOKEN_PATTERN.test(value)) throw new TypeError(`${name} must be 1-256 printable ASCII characters`)
}

/** TypeError unless `value` is a non-negative safe integer (times in ms, lengths, counts). */
export function assertUint (value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative safe integer`)
  }
}

/** TypeError unless `value` is a Uint8Array (of `length` bytes when given). */
export function assertBytes (value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) {
    throw new TypeError(`${name} must be a Uint8Array${length === undefined ? '' : ` of ${length} bytes`}`)
  }
}

/** RangeError unless `limit` is an integer in [1, max]. */
export function assertLimit (limit: unknown, max: number): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw new RangeError(`limit must be an integer from 1 to ${max}`)
  }
}

/** Width of an integer field, or how a byte string field is given. */
type Field = 1 | 4 | 8 | 'bytes' | 'str'

/**
 * Builds a record: fixed-width big-endian integers and u32-length-prefixed byte strings. Fields
 * are listed, then written once into one array of the exact size: a small array per field (and
 * per string's UTF-8) showed in the sender's profile, several records being written per envelope.
 */
export class RecordWriter {
  readonly #kinds: Field[] = []
  readonly #values: Array<number | string | Uint8Array> = []
  #length = 0

  u8 (n: number): this {
    return this.#add(1, n, 1)
  }

  u32 (n: number): this {
    return this.#add(4, n, 4)
  }

  u64 (n: number): this {
    assertSeq(n)
    return this.#add(8, n, 8)
  }

  bytes (b: Uint8Array): this {
    return this.#add('bytes', b, 4 + b.length)
  }

  str (s: string): this {
    return this.#add('str', s, 4 + (isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8')))
  }

  optBytes (b: Uint8Array | undefined): this {
    return b === undefined ? this.u8(0) : this.u8(1).bytes(b)
  }

  optStr (s: string | undefined): this {
    return s === undefined ? this.u8(0) : this.u8(1).str(s)
  }

  #add (kind: Field, value: number | string | Uint8Array, length: number): this {
    this.#kinds.push(kind)
    this.#values.push(value)
    this.#length += length
    return this
  }

  /** The record, as transient bytes (see transient.ts): for a write, not to keep. */
  finish (): Uint8Array {
    const out = transientBytes(this.#length)
    let offset = 0
    for (let i = 0; i < this.#kinds.length; i++) {
      const kind = this.#kinds[i]
      const value = this.#values[i]
      if (typeof value === 'number') {
        offset = kind === 1 ? writeU8(out, offset, value) : kind === 4 ? writeU32(out, offset, value) : writeU32(out, writeU32(out, offset, Math.floor(value / 2 ** 32)), value >>> 0)
      } else if (typeof value === 'string') {
        const length = isAscii(value) ? value.length : Buffer.byteLength(value, 'utf8')
        offset = writeU32(out, offset, length)
        if (length === value.length) {
          for (let k = 0; k < length; k++) out[offset + k] = value.charCodeAt(k)
        } else {
          encoder.encodeInto(value, out.subarray(offset, offset + length))
        }
        offset += length
      } else if (value !== undefined) {
        offset = writeU32(out, offset, value.length)
        out.set(value, offset)
        offset += value.length
      }
    }
    return out
  }
}

function writeU8 (out: Uint8Array, offset: number, n: number): number {
  out[offset] = n
  return offset + 1
}

function writeU32 (out: Uint8Array, offset: number, n: number): number {
  out[offset] = n >>> 24
  out[offset + 1] = (n >>> 16) & 0xff
  out[offset + 2] = (n >>> 8) & 0xff
  out[offset + 3] = n & 0xff
  return offset + 4
}

/** Reads a record written by {@link RecordWriter}; malformed bytes throw `store-corrupt`. */
export class RecordReader {
  readonly #bytes: Uint8Array
  readonly #what: string
  #offset = 0

  constructor (bytes: Uint8Array, what: string) {
    this.#bytes = bytes
    this.#what = what
  }

  #corrupt (): LienthongError {
    return new LienthongError(StoreErrorCode.CORRUPT, 'stored record is malformed', { reason: `${this.#what}-malformed` })
  }

  #take (n: number): Uint8Array {
    if (this.#offset + n > this.#bytes.length) throw this.#corrupt()
    const out = view(this.#bytes, this.#offset, this.#offset + n)
    this.#offset += n
    return out
  }

  u8 (): number {
    return this.#take(1)[0] ?? 0
  }

  u32 (): number {
    const b = this.#take(4)
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0)
  }

  u64 (): number {
    const value = decodeSeq(this.#take(8))
    if (value === undefined) throw this.#corrupt()
    return value
  }

  bytes (): Uint8Array {
    return this.#take(this.u32())
  }

  str (): string {
    try {
      return decoder.decode(this.bytes())
    } catch {
      throw this.#corrupt()
    }
  }

  #flag (): boolean {
    const flag = this.u8()
    if (flag > 1) throw this.#corrupt()
    return flag === 1
  }

  optBytes (): Uint8Array | undefined {
    return this.#flag() ? this.bytes() : undefined
  }

  optStr (): string | undefined {
    return this.#flag() ? this.str() : undefined
  }

  /** Throw `store-corrupt` for a value that is well-framed but invalid. */
  fail (): never {
    throw this.#corrupt()
  }

  /** Throw `store-corrupt` unless every byte was read. */
  end (): void {
    if (this.#offset !== this.#bytes.length) throw this.#corrupt()
  }
}
