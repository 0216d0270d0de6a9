import type { LengthPrefixedDecoder } from '@libp2p/utils'
import { DeliveryErrorCode } from './errors.js'
import { FrameType, decodeFrame, type Frame } from './frames.js'

/** Stop the stream: optionally refuse `refuseSeq` first, then STREAM_ERROR and reset. */
export class Fatal extends Error {
  constructor (readonly code: string, readonly refuseSeq?: number) {
    super(code)
  }
}

/** A frame as the length-prefixed decoder hands it over: the received buffers it spans. */
export type ReceivedFrame = ReturnType<LengthPrefixedDecoder['decode']> extends Iterable<infer T> ? T : never

/** A PAYLOAD_CHUNK frame left in the pieces it arrived in. */
export interface SplitChunk {
  seq: number
  /** The chunk's data, in order. */
  parts: Uint8Array[]
  /** Length of the whole frame body. */
  length: number
}

function spansBuffers (frame: ReceivedFrame): boolean {
  let count = 0
  for (const _buffer of frame) if (++count > 1) return true
  return false
}

/** Longest frame header: type (1) and a seq of at most 8 varint bytes. */
const MAX_HEADER_BYTES = 9

/**
 * A frame body off the decoder. A payload chunk that spans several received buffers (most do: a
 * Noise message carries at most 64 KiB) is kept in those pieces: copying it into one buffer makes
 * a chunk-sized piece of garbage per chunk, which is what inflates a receiving process while a
 * large document streams. Anything else, malformed frames included (refused later, in order),
 * is made contiguous.
 */
export function frameBody (frame: ReceivedFrame): Uint8Array | SplitChunk {
  if (frame.get(0) !== FrameType.PAYLOAD_CHUNK || !spansBuffers(frame)) return frame.subarray()
  const head = frame.subarray(0, Math.min(frame.byteLength, MAX_HEADER_BYTES + 1))
  let parsed
  try {
    parsed = decodeFrame(head)
  } catch {
    return frame.subarray()
  }
  return { seq: parsed.seq, parts: [...frame.sublist(head.length - parsed.data.length)], length: frame.byteLength }
}

/**
 * Decode what arrived into `out`: frame bodies, then a Fatal if the input is malformed (a length
 * prefix above the frame limit, the decoder's buffer limit, or a bad prefix). Returns the bytes
 * of the bodies added, and whether the input is still usable.
 */
export function readFrames (decoder: LengthPrefixedDecoder, data: Parameters<LengthPrefixedDecoder['decode']>[0],
  out: Array<Uint8Array | SplitChunk | Fatal>): { bytes: number, ok: boolean } {
  let bytes = 0
  try {
    for (const frame of decoder.decode(data)) {
      const body = frameBody(frame)
      out.push(body)
      bytes += body.length
    }
    return { bytes, ok: true }
  } catch (err) {
    const name = err instanceof Error ? err.name : ''
    const tooLarge = name === 'InvalidMessageLengthError' || name === 'InvalidParametersError'
    out.push(new Fatal(tooLarge ? DeliveryErrorCode.FRAME_TOO_LARGE : DeliveryErrorCode.BAD_FRAME))
    return { bytes, ok: false }
  }
}

/**
 * A frame body decoded, its data also as the pieces it arrived in (one piece unless it is a split
 * payload chunk); Fatal `delivery-bad-frame` if it is malformed.
 */
export function decodeBody (body: Uint8Array | SplitChunk): Frame & { parts: Uint8Array[] } {
  if (!(body instanceof Uint8Array)) return { type: FrameType.PAYLOAD_CHUNK, seq: body.seq, data: new Uint8Array(0), parts: body.parts }
  try {
    const { type, seq, data } = decodeFrame(body)
    // Built field by field: an object spread here cost ten times the decoding (once per frame).
    return { type, seq, data, parts: [data] }
  } catch {
    throw new Fatal(DeliveryErrorCode.BAD_FRAME)
  }
}
