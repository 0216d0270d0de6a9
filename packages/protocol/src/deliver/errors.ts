import { LienthongError, type ErrorMeta } from '@lienthong/errors'

/**
 * Stable error codes of the delivery protocol. Never rename a released code.
 *
 * The sender's `send()` rejects with `delivery-stream-failed`, `delivery-timeout`,
 * `delivery-channel-closed` or `delivery-payload-source-failed`: all mean "not delivered, retry
 * later" (the outbox keeps the envelope). The other codes name why a receiver refused an
 * envelope or reset a stream; they reach the sender as a refusal code or as
 * `meta.remoteCode` of a `delivery-stream-failed`.
 */
export const DeliveryErrorCode = {
  /** The stream failed, was reset or closed before the answer came (`meta.remoteCode`: the receiver's reason, if it gave one). */
  STREAM_FAILED: 'delivery-stream-failed',
  /** The receiver made no progress (no answer, no write drained) within the idle timeout. */
  TIMEOUT: 'delivery-timeout',
  /** `send()` after `close()` or after the channel failed for good. */
  CHANNEL_CLOSED: 'delivery-channel-closed',
  /** The caller's payload source threw or yielded something other than bytes. */
  PAYLOAD_SOURCE_FAILED: 'delivery-payload-source-failed',
  /** A frame is malformed, of an unknown type, out of sequence or in the wrong direction. */
  BAD_FRAME: 'delivery-bad-frame',
  /** A frame is larger than the reading side allows. */
  FRAME_TOO_LARGE: 'delivery-frame-too-large',
  /** A streamed payload is longer than its header declares: refused, and the stream reset. */
  PAYLOAD_OVERRUN: 'delivery-payload-overrun',
  /** The sender closed its side in the middle of a payload. */
  TRUNCATED: 'delivery-truncated',
  /** The receiver takes no detached payloads (it has no payload sink). */
  DETACHED_UNSUPPORTED: 'delivery-detached-unsupported',
  /** The receiver's handler or payload sink failed (not a refusal): the sender retries later. */
  HANDLER_FAILED: 'delivery-handler-failed'
} as const

export type DeliveryErrorCode = typeof DeliveryErrorCode[keyof typeof DeliveryErrorCode]

/** A typed delivery error. */
export function deliveryError (code: DeliveryErrorCode, message: string, meta: ErrorMeta = {}, cause?: unknown): LienthongError {
  return new LienthongError(code, message, meta, cause === undefined ? undefined : { cause })
}

/** The name of whatever was thrown, for error metadata (never its message: it may carry data). */
export function reasonOf (err: unknown): string {
  if (err instanceof LienthongError) return err.code
  return err instanceof Error ? err.name : typeof err
}
