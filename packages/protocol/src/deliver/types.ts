import type { Logger } from '@libp2p/interface'
import type { DecodedEnvelope } from '@lienthong/envelope'

/** One envelope to deliver. */
export interface DeliveryItem {
  /** The encoded envelope (`encodeEnvelope`), payload inline or detached. */
  envelopeBytes: Uint8Array
  /**
   * The payload of a detached envelope (required then, forbidden for an inline one): bytes, or an
   * async iterable read chunk by chunk as the window allows, never held whole. It must yield
   * exactly the header's `payloadLength` bytes; the receiver refuses anything else. Large chunks
   * are handed to the stream as they are, not copied: do not change a chunk once it is yielded.
   */
  payload?: AsyncIterable<Uint8Array> | Uint8Array
}

/** What the receiver answered for one envelope. */
export type DeliveryOutcome =
  | { status: 'receipted', receipt: Uint8Array }
  | { status: 'refused', code: string }

/** What the receiver's handler answers for one envelope: the same shape as the sender sees. */
export type DeliveryResponse = DeliveryOutcome

/**
 * Where the receiver writes a detached payload, chunk by chunk in order (e.g. a temporary blob
 * file). Each call is awaited before the next: a slow sink pauses the stream.
 */
export interface PayloadSink {
  /** Take the next chunk (a fresh buffer the sink may keep). */
  write: (chunk: Uint8Array) => Promise<void> | void
  /** All bytes arrived and match the header's length and SHA-256. */
  end: () => Promise<void> | void
  /** The payload was refused or the stream failed: discard what was written. */
  abort: (reason: Error) => Promise<void> | void
}

/** An envelope taken whole off the wire, handed to the receiver's `handle()`. */
export interface IncomingEnvelope<S extends PayloadSink = PayloadSink> {
  /** Its number on this stream. */
  seq: number
  /** Decoded, not verified: `payload` is the inline payload, or null when it was streamed to `payloadSink`. */
  envelope: DecodedEnvelope
  /** The envelope bytes exactly as received (inline payload included). */
  bytes: Uint8Array
  /** The sink that received the detached payload, complete and checked against the header's length and hash. */
  payloadSink?: S
}

/** Something that happened on a delivery stream, for metrics and logs (never carries payloads). */
export type DeliveryServerEvent =
  | { type: 'batch', peer: string, size: number }
  | { type: 'refused', peer: string, seq: number, code: string }
  | { type: 'paused', peer: string, queuedBytes: number }
  | { type: 'resumed', peer: string, queuedBytes: number }
  | { type: 'stream-error', peer: string, code: string }

/** Something that happened on a delivery channel. */
export type DeliveryChannelEvent =
  | { type: 'window-full', inFlightBytes: number, pending: number }
  | { type: 'failed', code: string }

/** Resolved receiver settings (see ServeDeliveriesOptions); internal. */
export interface ReceiverConfig<S extends PayloadSink> {
  handle: (batch: Array<IncomingEnvelope<S>>, remotePeerId: string) => Promise<DeliveryResponse[]>
  openPayload: ((envelope: DecodedEnvelope, remotePeerId: string) => Promise<S> | S) | undefined
  maxEnvelopeBytes: number
  maxHeaderBytes: number
  maxFrameBytes: number
  highWaterBytes: number
  maxBatchEnvelopes: number
  maxBatchBytes: number
  maxPendingBatches: number
  emit: (event: DeliveryServerEvent) => void
  log: Logger
}
