import { DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PAYLOAD_BYTES } from '@lienthong/envelope'

const KiB = 1024
const MiB = 1024 * KiB

/**
 * Largest yamux stream window (16 MiB, @libp2p/yamux MAX_STREAM_WINDOW). A single `message`
 * event may carry up to this much, and a stream paused for backpressure may still receive this
 * much: read buffers and decoder buffers are sized above it (stack-notes gotchas 7 and 8).
 */
export const YAMUX_MAX_WINDOW_BYTES = 16 * MiB

/** Sender: un-answered bytes allowed in flight on one channel (bounds the receiver's queue). */
export const DEFAULT_DELIVERY_WINDOW_BYTES = 8 * MiB
/** Sender: largest payload chunk frame. Big enough to amortise framing, small enough to stream. */
export const DEFAULT_DELIVERY_CHUNK_BYTES = 256 * KiB
/** Sender: frames are coalesced into `send()`s of about this size (gotcha 11: 3.5x throughput). */
export const DEFAULT_DELIVERY_COALESCE_BYTES = 64 * KiB
/** Sender: a channel with work but no progress (no answer, no drained write) for this long fails. */
export const DEFAULT_DELIVERY_IDLE_TIMEOUT_MS = 30_000
/** Sender: how long `close()` waits for outstanding answers before aborting the stream. */
export const DEFAULT_DELIVERY_CLOSE_TIMEOUT_MS = 10_000
/** Sender: deadline of opening the stream, dial included. */
export const DEFAULT_DELIVERY_DIAL_TIMEOUT_MS = 10_000

/** Receiver: largest envelope (header + signature + payload, inline or streamed); default 100 MiB + 64 KiB. */
export const DEFAULT_DELIVERY_MAX_ENVELOPE_BYTES = DEFAULT_MAX_PAYLOAD_BYTES + DEFAULT_MAX_HEADER_BYTES
/** Receiver: largest single frame, i.e. an envelope with its payload inline, or one chunk. */
export const DEFAULT_DELIVERY_MAX_FRAME_BYTES = 4 * MiB
/** Receiver: queued, unprocessed bytes above which the stream is paused (resumed at half). */
export const DEFAULT_DELIVERY_HIGH_WATER_BYTES = 4 * MiB
/** Receiver: most envelopes handed to one `handle()` call (one group commit). */
export const DEFAULT_DELIVERY_MAX_BATCH_ENVELOPES = 256
/** Receiver: most envelope bytes (inline payloads included) in one batch. */
export const DEFAULT_DELIVERY_MAX_BATCH_BYTES = 4 * MiB

/** Longest refusal code carried on the wire. */
export const MAX_CODE_LENGTH = 100
/** Largest response frame body: type, seq and a receipt (about 150 B; MAX_RECEIPT_BYTES is 1 KiB). */
export const MAX_RESPONSE_FRAME_BYTES = 2 * KiB
/** Receiver: acknowledge payload bytes to the sender at least every this many (and whenever caught up). */
export const ACK_EVERY_BYTES = 256 * KiB
/** Receiver: how long closing our side of a finished stream may take before it is aborted. */
export const RECEIVER_CLOSE_TIMEOUT_MS = 10_000
