import { createHash } from 'node:crypto'
import type { Logger } from '@libp2p/interface'
import type { DecodedEnvelope } from '@lienthong/envelope'
import type { PayloadSink } from './types.js'

/**
 * The detached payload a receiver is taking: counted against the declared length, hashed as it
 * passes, written to the app's sink. Without a sink (the envelope was refused) it is discarded.
 */
export class IncomingPayload<S extends PayloadSink> {
  private readonly hash = createHash('sha256')
  /** Bytes taken off the wire. */
  received = 0
  /** Bytes the sink has taken. */
  consumed = 0
  /** Consumed bytes already acknowledged to the sender. */
  acked = 0
  sink: S | undefined

  /**
   * @param envelope - undefined for an envelope that did not decode (refused, discarded)
   * @param declared - most bytes accepted before the stream is reset
   */
  constructor (
    readonly seq: number,
    readonly envelope: DecodedEnvelope | undefined,
    readonly bytes: Uint8Array,
    readonly declared: number,
    private readonly log: Logger
  ) {}

  /** Count `length` more bytes off the wire; false once that is more than declared. */
  take (length: number): boolean {
    this.received += length
    return this.received <= this.declared
  }

  /** Hash a chunk and hand it to the sink (awaited: a slow sink holds the stream back). */
  async write (chunk: Uint8Array): Promise<void> {
    if (this.sink === undefined) return
    this.hash.update(chunk)
    await this.sink.write(chunk)
    this.consumed += chunk.length
  }

  /** True when what arrived has the header's length and SHA-256. */
  matchesHeader (): boolean {
    const header = this.envelope?.header
    return header !== undefined && this.received === header.payloadLength && this.hash.digest().equals(header.payloadHash)
  }

  /** Drop the sink (refused or failed): its `abort` runs in the background, never throws. */
  release (reason: Error): void {
    const sink = this.sink
    this.sink = undefined
    if (sink !== undefined) void this.abortSink(sink, reason)
  }

  /** Drop the sink and wait for its `abort`. */
  async discard (reason: Error): Promise<void> {
    const sink = this.sink
    this.sink = undefined
    if (sink !== undefined) await this.abortSink(sink, reason)
  }

  private async abortSink (sink: S, reason: Error): Promise<void> {
    try {
      await sink.abort(reason)
    } catch (err) {
      this.log.error('payload sink abort failed - %e', err)
    }
  }
}
