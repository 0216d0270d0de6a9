import { LienthongError, type ErrorMeta } from '@lienthong/errors'

/** Stable error codes of @lienthong/protocol. Never rename a released code. */
export const ProtocolErrorCode = {
  /** The exchange did not finish before its deadline. */
  TIMEOUT: 'protocol-timeout',
  /** The caller's AbortSignal ended the exchange. */
  ABORTED: 'protocol-aborted',
  /** Our own gate refuses this peer: no dial was attempted. */
  DIAL_REFUSED: 'protocol-dial-refused',
  /** No stream could be opened: unreachable, no address, or the remote dropped us (e.g. its gate refuses us). */
  DIAL_FAILED: 'protocol-dial-failed',
  /** The remote does not speak this protocol. */
  UNSUPPORTED: 'protocol-unsupported',
  /** The stream was reset or ended before the exchange completed. */
  STREAM_FAILED: 'protocol-stream-failed',
  /** A frame is larger than the limit of the side reading it. */
  FRAME_TOO_LARGE: 'protocol-frame-too-large',
  /** A frame is malformed (bad length prefix, empty or unknown response). */
  BAD_FRAME: 'protocol-bad-frame',
  /** The remote's handler refused the request; `meta.remoteCode` holds its code. */
  REMOTE_ERROR: 'protocol-remote-error',
  /** Sent to the client when a handler fails with something other than a LienthongError. */
  HANDLER_FAILED: 'protocol-handler-failed',
  /** A connection was cut because the gate no longer allows its peer. */
  PEER_NOT_ALLOWED: 'protocol-peer-not-allowed',
  /** The libp2p host could not be created or could not listen. */
  HOST_START_FAILED: 'protocol-host-start-failed'
} as const

export type ProtocolErrorCode = typeof ProtocolErrorCode[keyof typeof ProtocolErrorCode]

/**
 * The typed error for a fired signal (undefined while it has not fired): `protocol-timeout` when
 * a timeout fired first (its reason is a `TimeoutError`; AbortSignal.any keeps the first
 * reason), `protocol-aborted` otherwise.
 */
export function abortError (signal: AbortSignal | undefined, meta: ErrorMeta, cause?: unknown): LienthongError | undefined {
  if (signal?.aborted !== true) return undefined
  const reason: unknown = signal.reason
  return reason instanceof Error && reason.name === 'TimeoutError'
    ? new LienthongError(ProtocolErrorCode.TIMEOUT, 'protocol exchange timed out', meta, { cause })
    : new LienthongError(ProtocolErrorCode.ABORTED, 'protocol exchange aborted', meta, { cause })
}

function errorName (err: unknown): string {
  return err instanceof Error ? err.name : typeof err
}

/** Map a failure of dial / dialProtocol to a typed error. */
export function dialError (err: unknown, signal: AbortSignal | undefined, meta: ErrorMeta): LienthongError {
  if (err instanceof LienthongError) return err
  const aborted = abortError(signal, meta, err)
  if (aborted != null) return aborted
  const reason = errorName(err)
  const withReason = { ...meta, reason }
  switch (reason) {
    // ConnectionInterceptedError: our own gater, once Noise has told us who is at a bare address.
    case 'DialDeniedError':
    case 'ConnectionInterceptedError':
      return new LienthongError(ProtocolErrorCode.DIAL_REFUSED, 'the connection gater refuses this peer', withReason, { cause: err })
    case 'UnsupportedProtocolError':
      return new LienthongError(ProtocolErrorCode.UNSUPPORTED, 'the remote does not support the protocol', withReason, { cause: err })
    default:
      return new LienthongError(ProtocolErrorCode.DIAL_FAILED, 'could not open a stream to the peer', withReason, { cause: err })
  }
}

/** Map a failure while reading or writing frames on an open stream to a typed error. */
export function streamError (err: unknown, signal: AbortSignal | undefined, meta: ErrorMeta): LienthongError {
  if (err instanceof LienthongError) return err
  const aborted = abortError(signal, meta, err)
  if (aborted != null) return aborted
  const reason = errorName(err)
  const withReason = { ...meta, reason }
  switch (reason) {
    // InvalidDataLengthLengthError: a length prefix longer than the limit's own varint, i.e. a
    // larger length, not a malformed one.
    case 'InvalidDataLengthError':
    case 'InvalidDataLengthLengthError':
    case 'StreamBufferError':
      return new LienthongError(ProtocolErrorCode.FRAME_TOO_LARGE, 'frame exceeds the limit', withReason, { cause: err })
    case 'InvalidMessageLengthError':
      return new LienthongError(ProtocolErrorCode.BAD_FRAME, 'malformed length prefix', withReason, { cause: err })
    default:
      return new LienthongError(ProtocolErrorCode.STREAM_FAILED, 'the stream failed before the exchange completed', withReason, { cause: err })
  }
}

/** An Error for `stream.abort()` from anything thrown. */
export function toError (err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}
