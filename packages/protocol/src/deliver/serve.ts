import type { Stream } from '@libp2p/interface'
import { DEFAULT_MAX_HEADER_BYTES, type DecodedEnvelope } from '@lienthong/envelope'
import { DELIVER_PROTOCOL } from '../constants.js'
import { checkByteLimit } from '../deadline.js'
import { toError } from '../errors.js'
import type { Host } from '../host.js'
import {
  DEFAULT_DELIVERY_CHUNK_BYTES, DEFAULT_DELIVERY_HIGH_WATER_BYTES, DEFAULT_DELIVERY_MAX_BATCH_BYTES, DEFAULT_DELIVERY_MAX_BATCH_ENVELOPES,
  DEFAULT_DELIVERY_MAX_ENVELOPE_BYTES, DEFAULT_DELIVERY_MAX_FRAME_BYTES
} from './constants.js'
import { DeliveryErrorCode, deliveryError } from './errors.js'
import { DeliveryReceiver } from './receiver.js'
import type { DeliveryResponse, DeliveryServerEvent, IncomingEnvelope, PayloadSink, ReceiverConfig } from './types.js'

/** What `serveDeliveries` needs: the app's policy and persistence, as callbacks. */
export interface ServeDeliveriesOptions<S extends PayloadSink = PayloadSink> {
  /**
   * Check and persist a batch of complete envelopes (one group commit), then answer each, in
   * order: a receipt (signed, after the batch is durable) or a refusal code. Called once at a
   * time per stream (up to `maxPendingBatches` at once when that is above 1). Throwing is a
   * failure, not a refusal: the stream is reset and the sender retries later.
   */
  handle: (batch: Array<IncomingEnvelope<S>>, remotePeerId: string) => Promise<DeliveryResponse[]>
  /**
   * Open the sink of a detached payload, given its decoded (unverified) envelope. Throw a
   * LienthongError to refuse it (its code is sent; the sender stops streaming); anything else
   * resets the stream. Without it, detached payloads are refused with `delivery-detached-unsupported`.
   */
  openPayload?: (envelope: DecodedEnvelope, remotePeerId: string) => Promise<S> | S
  /** Largest envelope, header + signature + payload, inline or streamed (default 100 MiB + 64 KiB). Larger: refused, and a streamed one resets the stream. */
  maxEnvelopeBytes?: number
  /** Largest envelope header (default 64 KiB). */
  maxHeaderBytes?: number
  /** Largest frame, i.e. an envelope with its payload inline, or one payload chunk (default 4 MiB, at least the sender's chunk size). */
  maxFrameBytes?: number
  /** Pause reading while this many received bytes wait for the handler or sink (default 4 MiB). */
  highWaterBytes?: number
  /** Most envelopes per `handle()` call (default 256). */
  maxBatchEnvelopes?: number
  /** Most envelope bytes per `handle()` call (default 4 MiB). */
  maxBatchBytes?: number
  /**
   * Batches handed to `handle()` and not yet answered, per stream (default 1: one at a time).
   * Above 1, the next batch is decoded and handled while earlier ones are still being persisted
   * (their group commits overlap its checks); `handle()` must then allow concurrent calls, and
   * answers still go out strictly in order.
   */
  maxPendingBatches?: number
  /** Concurrent delivery streams per connection (libp2p default 32). */
  maxInboundStreams?: number
  /** Called synchronously on notable events (metrics, logs); must not throw. */
  onEvent?: (event: DeliveryServerEvent) => void
}

/** A running delivery service. */
export interface DeliveryServer {
  /** Streams being served now. */
  readonly activeStreams: number
  /** Stop accepting streams and reset the open ones (their senders retry later). */
  close: () => Promise<void>
}

/**
 * Serve `/lienthong/deliver/1.0.0` on a host: one receiver per inbound stream (see
 * DeliveryReceiver). Malformed input refuses and resets that stream only; nothing rejects in
 * the background.
 */
export async function serveDeliveries<S extends PayloadSink = PayloadSink> (host: Host, options: ServeDeliveriesOptions<S>): Promise<DeliveryServer> {
  if (options == null || typeof options.handle !== 'function') throw new TypeError('options.handle must be a function')
  if (options.openPayload != null && typeof options.openPayload !== 'function') throw new TypeError('options.openPayload must be a function')
  const onEvent = options.onEvent
  const config: ReceiverConfig<S> = {
    handle: options.handle,
    openPayload: options.openPayload,
    maxEnvelopeBytes: checkByteLimit('maxEnvelopeBytes', options.maxEnvelopeBytes ?? DEFAULT_DELIVERY_MAX_ENVELOPE_BYTES),
    maxHeaderBytes: checkByteLimit('maxHeaderBytes', options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES),
    maxFrameBytes: checkByteLimit('maxFrameBytes', options.maxFrameBytes ?? DEFAULT_DELIVERY_MAX_FRAME_BYTES),
    highWaterBytes: checkByteLimit('highWaterBytes', options.highWaterBytes ?? DEFAULT_DELIVERY_HIGH_WATER_BYTES),
    maxBatchEnvelopes: checkByteLimit('maxBatchEnvelopes', options.maxBatchEnvelopes ?? DEFAULT_DELIVERY_MAX_BATCH_ENVELOPES),
    maxBatchBytes: checkByteLimit('maxBatchBytes', options.maxBatchBytes ?? DEFAULT_DELIVERY_MAX_BATCH_BYTES),
    maxPendingBatches: checkByteLimit('maxPendingBatches', options.maxPendingBatches ?? 1),
    emit: (event) => {
      try {
        onEvent?.(event)
      } catch {
        // a metrics hook must not break delivery
      }
    },
    log: host.log.newScope('deliver')
  }
  if (config.maxFrameBytes < DEFAULT_DELIVERY_CHUNK_BYTES + 16) throw new RangeError('maxFrameBytes must hold a payload chunk (256 KiB)')
  const streams = new Set<Stream>()
  const limits = options.maxInboundStreams == null ? {} : { maxInboundStreams: options.maxInboundStreams }
  await host.handle(DELIVER_PROTOCOL, (stream, connection) => {
    try {
      streams.add(stream)
      stream.addEventListener('close', () => { streams.delete(stream) })
      new DeliveryReceiver(stream, connection.remotePeer.toString(), config)
    } catch (err) {
      host.log.error('delivery stream setup failed - %e', err)
      stream.abort(toError(err))
    }
  }, limits)
  return {
    get activeStreams () { return streams.size },
    async close () {
      await host.unhandle(DELIVER_PROTOCOL)
      const reason = deliveryError(DeliveryErrorCode.STREAM_FAILED, 'delivery service closed')
      for (const stream of streams) stream.abort(reason)
      streams.clear()
    }
  }
}
