import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { ERROR_CODE_PATTERN, isLienthongError, LienthongError, type ErrorMeta } from '@lienthong/errors'
import {
  DEFAULT_MAX_FRAME_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SERVE_TIMEOUT_MS, MAX_REMOTE_CODE_LENGTH,
  READ_BUFFER_HEADROOM_BYTES, RESPONSE_ERROR, RESPONSE_OK
} from './constants.js'
import { checkByteLimit, checkTimeout, deadlineSignal } from './deadline.js'
import { ProtocolErrorCode, streamError, toError } from './errors.js'
import type { Host } from './host.js'
import type { PeerTarget } from './target.js'

/** Options of `request`. */
export interface RequestOptions {
  /** Deadline of the whole exchange, dial included (default 10 s). */
  timeoutMs?: number
  /** Largest reply accepted (default 16 MiB); a larger one fails with `protocol-frame-too-large`. */
  maxResponseBytes?: number
  /** Caller's cancellation; an abort maps to `protocol-aborted`. */
  signal?: AbortSignal
}

/** Handles one request: gets its bytes and the authenticated PeerId of the sender, returns the reply. */
export type RequestHandler = (request: Uint8Array, remotePeerId: string, signal: AbortSignal) => Uint8Array | Promise<Uint8Array>

/** Options of `serveRequests`. */
export interface ServeOptions {
  /** Largest request accepted (default 16 MiB); a larger one is refused with `protocol-frame-too-large`. */
  maxRequestBytes?: number
  /** Deadline for receiving the request, running the handler and sending the reply (default 30 s). */
  timeoutMs?: number
  /** Concurrent inbound streams per connection for this protocol (libp2p default 32). */
  maxInboundStreams?: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function frameStream (stream: Stream, maxDataLength: number): LengthPrefixedStream<Stream> {
  // Both limits explicit: the @libp2p/utils defaults (4 MiB buffer) are below our frame limit.
  return lpStream(stream, { maxDataLength, maxBufferSize: maxDataLength + READ_BUFFER_HEADROOM_BYTES })
}

function okFrame (body: Uint8Array): Uint8Array {
  // One copy to put the status byte in front; cheap next to Noise encryption of the same bytes.
  const frame = new Uint8Array(1 + body.length)
  frame[0] = RESPONSE_OK
  frame.set(body, 1)
  return frame
}

function errorFrame (code: string): Uint8Array {
  const bytes = encoder.encode(code)
  const frame = new Uint8Array(1 + bytes.length)
  frame[0] = RESPONSE_ERROR
  frame.set(bytes, 1)
  return frame
}

/** A plain Uint8Array view of the same bytes (socket data arrives as Node Buffers). */
function plain (bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function decodeResponse (frame: Uint8Array, meta: ErrorMeta): Uint8Array {
  if (frame[0] === RESPONSE_OK) return plain(frame.subarray(1))
  if (frame[0] === RESPONSE_ERROR && frame.length - 1 <= MAX_REMOTE_CODE_LENGTH) {
    let code: string | undefined
    try {
      code = decoder.decode(frame.subarray(1))
    } catch {
      code = undefined
    }
    if (code != null && ERROR_CODE_PATTERN.test(code)) {
      // A refused oversize frame keeps its own code, so callers treat it alike wherever it was seen.
      if (code === ProtocolErrorCode.FRAME_TOO_LARGE) {
        throw new LienthongError(code, 'the remote refused a frame above its limit', { ...meta, remote: true })
      }
      throw new LienthongError(ProtocolErrorCode.REMOTE_ERROR, 'the remote refused the request', { ...meta, remoteCode: code })
    }
  }
  throw new LienthongError(ProtocolErrorCode.BAD_FRAME, 'malformed response frame', { ...meta, status: frame[0] ?? null })
}

/**
 * Send one request on a new stream and read one reply: `[len][request]` out, then
 * `[len][status][reply or error code]` back. Both sides close their write side. Dial and stream
 * failures reject with typed LienthongErrors (ProtocolErrorCode); a handler refusal on the remote
 * side arrives as `protocol-remote-error` with `meta.remoteCode`.
 */
export async function request (host: Host, peer: PeerTarget, protocol: string, body: Uint8Array, options: RequestOptions = {}): Promise<Uint8Array> {
  if (!(body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array')
  const timeoutMs = checkTimeout('timeoutMs', options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)
  const maxResponseBytes = checkByteLimit('maxResponseBytes', options.maxResponseBytes ?? DEFAULT_MAX_FRAME_BYTES)
  // One deadline for the whole exchange, dial included.
  const signal = deadlineSignal(timeoutMs, options.signal)
  const stream = await host.dialProtocol(peer, protocol, { signal })
  const meta: ErrorMeta = { peer: peer.toString(), protocol }
  const lp = frameStream(stream, maxResponseBytes + 1)
  let writeDone = false
  // The write runs beside the read: a server refusing an oversized request replies (and resets)
  // before it has taken all of it, and that reply must still be read.
  const writing = (async () => {
    await lp.write(body, { signal })
    await stream.close({ signal })
    writeDone = true
  })().catch(() => {
    // Any write failure also fails the read below (reset, close or abort), which reports it.
  })
  try {
    const frame = await lp.read({ signal })
    const reply = decodeResponse(frame.subarray(), meta)
    await writing
    // Replied before taking the whole request (not what serveRequests does): do not leave it half open.
    if (!writeDone) stream.abort(new LienthongError(ProtocolErrorCode.STREAM_FAILED, 'reply before the request was sent', meta))
    return reply
  } catch (err) {
    const cleanRefusal = writeDone && isLienthongError(err) && err.code !== ProtocolErrorCode.BAD_FRAME
    if (!cleanRefusal) stream.abort(toError(err))
    throw streamError(err, signal, meta)
  }
}

/**
 * Serve `protocol` with one request/reply exchange per stream. The handler's reply is sent with
 * status OK; a handler that throws a LienthongError sends its code, anything else sends
 * `protocol-handler-failed`; an oversized request is refused with `protocol-frame-too-large`
 * and its stream reset, while other streams are served as usual. Never rejects in the background.
 */
export async function serveRequests (host: Host, protocol: string, handler: RequestHandler, options: ServeOptions = {}): Promise<void> {
  if (typeof handler !== 'function') throw new TypeError('handler must be a function')
  const maxRequestBytes = checkByteLimit('maxRequestBytes', options.maxRequestBytes ?? DEFAULT_MAX_FRAME_BYTES)
  const timeoutMs = checkTimeout('timeoutMs', options.timeoutMs ?? DEFAULT_SERVE_TIMEOUT_MS)
  const limits = options.maxInboundStreams == null ? {} : { maxInboundStreams: options.maxInboundStreams }
  await host.handle(protocol, (stream, connection) => {
    serveOne(host, stream, connection, handler, maxRequestBytes, timeoutMs).catch((err: unknown) => {
      // serveOne handles its own failures; this is a last guard against an unhandled rejection.
      host.log.error('request handler crashed on %s - %e', protocol, err)
      stream.abort(toError(err))
    })
  }, limits)
}

async function serveOne (host: Host, stream: Stream, connection: Connection, handler: RequestHandler,
  maxRequestBytes: number, timeoutMs: number): Promise<void> {
  const remote = connection.remotePeer.toString()
  const signal = AbortSignal.timeout(timeoutMs)
  const lp = frameStream(stream, maxRequestBytes)
  let reply: Uint8Array
  let resetAfterReply = false
  try {
    const request = await lp.read({ signal })
    reply = await runHandler(host, handler, plain(request.subarray()), remote, signal, stream.protocol)
  } catch (err) {
    const failure = streamError(err, signal, { peer: remote, protocol: stream.protocol })
    if (failure.code !== ProtocolErrorCode.FRAME_TOO_LARGE && failure.code !== ProtocolErrorCode.BAD_FRAME) {
      host.log('request from %s on %s failed: %s', remote, stream.protocol, failure.code)
      stream.abort(failure)
      return
    }
    host.log('refused a request from %s on %s: %s', remote, stream.protocol, failure.code)
    reply = errorFrame(failure.code)
    // Do not take the rest of a refused frame: reply, then reset the stream.
    resetAfterReply = true
  }
  try {
    await lp.write(reply, { signal })
    await stream.close({ signal })
    if (resetAfterReply) stream.abort(new LienthongError(ProtocolErrorCode.FRAME_TOO_LARGE, 'request refused', { peer: remote }))
  } catch (err) {
    const failure = streamError(err, signal, { peer: remote, protocol: stream.protocol })
    host.log('reply to %s on %s failed: %s', remote, stream.protocol, failure.code)
    stream.abort(failure)
  }
}

async function runHandler (host: Host, handler: RequestHandler, request: Uint8Array, remote: string,
  signal: AbortSignal, protocol: string): Promise<Uint8Array> {
  try {
    const reply = await handler(request, remote, signal)
    if (!(reply instanceof Uint8Array)) throw new TypeError('request handler must resolve to a Uint8Array')
    return okFrame(reply)
  } catch (err) {
    const code = isLienthongError(err) ? err.code : ProtocolErrorCode.HANDLER_FAILED
    if (code === ProtocolErrorCode.HANDLER_FAILED) host.log.error('request handler failed on %s - %e', protocol, err)
    return errorFrame(code)
  }
}
