/**
 * Wire format of `/lienthong/deliver/1.0.0`: one long-lived stream per recipient node, carrying
 * many envelopes in flight, answered in order.
 *
 * ```
 * frame    = varint(len) body                      unsigned LEB128 length of body
 * body     = type(1) varint(seq) data
 * seq      = per-stream envelope number, 0, 1, 2, ... (minimal LEB128, ≤ 2^53 - 1)
 *
 * sender -> receiver
 *   0x01 ENVELOPE       seq  envelope bytes (@lienthong/envelope encoding; payload inline, or
 *                            null = detached: PAYLOAD_CHUNK frames then PAYLOAD_END follow)
 *   0x02 PAYLOAD_CHUNK  seq  1.. payload bytes of envelope `seq` (the open one)
 *   0x03 PAYLOAD_END    seq  (empty) the payload of `seq` is complete
 * receiver -> sender
 *   0x84 PAYLOAD_ACK    seq  varint(n): the sink has taken the first n payload bytes of the open
 *                            envelope `seq` (cumulative; flow control only, not an answer)
 *   in seq order, one answer per envelope:
 *   0x81 RECEIPT        seq  encoded signed receipt
 *   0x82 REFUSED        seq  reason code (UTF-8, ≤ 100 chars, e.g. envelope-bad-signature)
 *   0x83 STREAM_ERROR   seq  reason code; the receiver resets the stream next, and `seq` is the
 *                            first envelope it will not answer
 * ```
 *
 * Rules: envelopes are numbered in order from 0; a detached payload is sent whole before the next
 * ENVELOPE (no interleaving); a REFUSED may come before the payload is complete, and the sender
 * then stops it early with PAYLOAD_END. The sender keeps at most a window of un-answered bytes
 * (envelope frames plus payload bytes not yet acknowledged by PAYLOAD_ACK) in flight; the
 * receiver acknowledges payload bytes as its sink takes them, at least whenever it has caught up
 * with what it received, so a payload of any size streams within the window. A receiver answers every envelope it has taken whole
 * before it resets a stream. Anything else (unknown type, wrong seq, a chunk with no open
 * payload, a response sent to the receiver) is a protocol error: STREAM_ERROR, then reset.
 */
import { ERROR_CODE_PATTERN } from '@lienthong/errors'
import { MAX_CODE_LENGTH } from './constants.js'
import { DeliveryErrorCode, deliveryError } from './errors.js'

/** Frame types (first byte of a frame body). */
export const FrameType = {
  ENVELOPE: 0x01,
  PAYLOAD_CHUNK: 0x02,
  PAYLOAD_END: 0x03,
  RECEIPT: 0x81,
  REFUSED: 0x82,
  STREAM_ERROR: 0x83,
  PAYLOAD_ACK: 0x84
} as const

export type FrameType = typeof FrameType[keyof typeof FrameType]

/** A decoded frame body. `data` is a view into the body. */
export interface Frame {
  type: FrameType
  seq: number
  data: Uint8Array
}

const KNOWN_TYPES = new Set<number>(Object.values(FrameType))
const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

/** Bytes taken by the LEB128 encoding of `value`. */
export function varintLength (value: number): number {
  let n = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    n++
  }
  return n
}

function writeVarint (out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset++] = (value % 128) | 0x80
    value = Math.floor(value / 128)
  }
  out[offset++] = value
  return offset
}

/** Read a minimal LEB128 unsigned safe integer; undefined if malformed. */
function readVarint (bytes: Uint8Array, offset: number): { value: number, next: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < 8; i++) {
    const b = bytes[offset + i]
    if (b === undefined) return undefined
    value += (b & 0x7f) * scale
    if ((b & 0x80) === 0) {
      if (i > 0 && b === 0) return undefined // not minimal
      return Number.isSafeInteger(value) ? { value, next: offset + i + 1 } : undefined
    }
    scale *= 128
  }
  return undefined
}

/**
 * One length-prefixed frame: `varint(len) type varint(seq) data`. Copies `data` once; the
 * caller's buffer is not kept.
 */
export function encodeFrame (type: FrameType, seq: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(frameLength(seq, data.length))
  writeFrameAt(out, 0, type, seq, data)
  return out
}

/** Bytes a frame of `dataLength` data bytes takes, length prefix included. */
export function frameLength (seq: number, dataLength: number): number {
  const bodyLength = 1 + varintLength(seq) + dataLength
  return varintLength(bodyLength) + bodyLength
}

/**
 * Write the frame `varint(len) type varint(seq) data` into `out` at `offset` (room for
 * {@link frameLength} bytes); returns the offset after it. For several frames sent as one buffer.
 */
export function writeFrameAt (out: Uint8Array, offset: number, type: FrameType, seq: number, data: Uint8Array): number {
  offset = writeVarint(out, offset, 1 + varintLength(seq) + data.length)
  out[offset++] = type
  offset = writeVarint(out, offset, seq)
  out.set(data, offset)
  return offset + data.length
}

/** The length prefix, type and seq of a frame whose `dataLength` data bytes follow separately. */
export function encodeFrameHeader (type: FrameType, seq: number, dataLength: number): Uint8Array {
  const bodyLength = 1 + varintLength(seq) + dataLength
  const out = new Uint8Array(varintLength(bodyLength) + 1 + varintLength(seq))
  let offset = writeVarint(out, 0, bodyLength)
  out[offset++] = type
  writeVarint(out, offset, seq)
  return out
}

/** A REFUSED or STREAM_ERROR frame carrying a reason code. */
export function encodeCodeFrame (type: typeof FrameType.REFUSED | typeof FrameType.STREAM_ERROR, seq: number, code: string): Uint8Array {
  return encodeFrame(type, seq, codeBytes(code))
}

/** The data of a REFUSED / STREAM_ERROR frame: the code's UTF-8 bytes. */
export function codeBytes (code: string): Uint8Array {
  return textEncoder.encode(code)
}

function badFrame (reason: string): never {
  throw deliveryError(DeliveryErrorCode.BAD_FRAME, 'malformed delivery frame', { reason })
}

/** Decode a frame body (without its length prefix). Throws `delivery-bad-frame` for anything malformed. */
export function decodeFrame (body: Uint8Array): Frame {
  const type = body[0]
  if (type === undefined) badFrame('empty frame')
  if (!KNOWN_TYPES.has(type)) badFrame('unknown frame type')
  const seq = readVarint(body, 1)
  if (seq === undefined) badFrame('bad sequence number')
  const data = body.subarray(seq.next)
  const frameType = type as FrameType
  if (frameType === FrameType.PAYLOAD_END && data.length > 0) badFrame('payload end with data')
  if (frameType === FrameType.PAYLOAD_CHUNK && data.length === 0) badFrame('empty payload chunk')
  if ((frameType === FrameType.ENVELOPE || frameType === FrameType.RECEIPT || frameType === FrameType.PAYLOAD_ACK) && data.length === 0) {
    badFrame('empty frame data')
  }
  return { type: frameType, seq: seq.value, data }
}

/** A PAYLOAD_ACK frame: the sink has taken the first `consumed` payload bytes of `seq`. */
export function encodeAckFrame (seq: number, consumed: number): Uint8Array {
  const data = new Uint8Array(varintLength(consumed))
  writeVarint(data, 0, consumed)
  return encodeFrame(FrameType.PAYLOAD_ACK, seq, data)
}

/** The byte count of a PAYLOAD_ACK frame; throws `delivery-bad-frame` if malformed. */
export function decodeAck (data: Uint8Array): number {
  const value = readVarint(data, 0)
  if (value === undefined || value.next !== data.length) badFrame('bad payload acknowledgement')
  return value.value
}

/** The reason code of a REFUSED / STREAM_ERROR frame; throws `delivery-bad-frame` if it is not a valid code. */
export function decodeCode (data: Uint8Array): string {
  if (data.length === 0 || data.length > MAX_CODE_LENGTH) badFrame('bad reason code length')
  let code: string
  try {
    code = textDecoder.decode(data)
  } catch {
    return badFrame('reason code is not UTF-8')
  }
  if (!ERROR_CODE_PATTERN.test(code)) badFrame('reason code is not an error code')
  return code
}

/** True when `code` can travel in a REFUSED / STREAM_ERROR frame. */
export function isWireCode (code: unknown): code is string {
  return typeof code === 'string' && code.length > 0 && code.length <= MAX_CODE_LENGTH && ERROR_CODE_PATTERN.test(code)
}

/** Offset after the CBOR byte string starting at `offset`, or undefined if there is none. */
function skipByteString (bytes: Uint8Array, offset: number): number | undefined {
  const initial = bytes[offset]
  if (initial === undefined || (initial >> 5) !== 2) return undefined
  const info = initial & 0x1f
  let length: number
  let header = 1
  if (info < 24) {
    length = info
  } else if (info <= 27) {
    const size = 1 << (info - 24)
    if (offset + 1 + size > bytes.length) return undefined
    length = 0
    for (let i = 0; i < size; i++) length = length * 256 + (bytes[offset + 1 + i] ?? 0)
    header += size
  } else {
    return undefined
  }
  const end = offset + header + length
  return end <= bytes.length ? end : undefined
}

/**
 * Whether encoded envelope bytes carry their payload inline or detached, read from the outer CBOR
 * array `[bstr, bstr, bstr | null]` only (no header decoding); undefined if the shape is not that.
 */
export function envelopePayloadMode (bytes: Uint8Array): 'inline' | 'detached' | undefined {
  if (bytes[0] !== 0x83) return undefined
  const afterHeader = skipByteString(bytes, 1)
  const afterSignature = afterHeader === undefined ? undefined : skipByteString(bytes, afterHeader)
  if (afterSignature === undefined) return undefined
  if (bytes[afterSignature] === 0xf6) return afterSignature + 1 === bytes.length ? 'detached' : undefined
  return skipByteString(bytes, afterSignature) === bytes.length ? 'inline' : undefined
}

/** Concatenate frames for one `send()`. */
export function concatFrames (parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0]
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
