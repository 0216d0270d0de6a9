import { LengthPrefixedDecoder } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { isLienthongError, type LienthongError } from '@lienthong/errors'
import { checkByteLimit, checkTimeout } from '../deadline.js'
import { toError } from '../errors.js'
import {
  DEFAULT_DELIVERY_CHUNK_BYTES, DEFAULT_DELIVERY_CLOSE_TIMEOUT_MS, DEFAULT_DELIVERY_COALESCE_BYTES, DEFAULT_DELIVERY_IDLE_TIMEOUT_MS, DEFAULT_DELIVERY_WINDOW_BYTES,
  MAX_RESPONSE_FRAME_BYTES, YAMUX_MAX_WINDOW_BYTES
} from './constants.js'
import { DeliveryErrorCode, deliveryError, reasonOf } from './errors.js'
import { FrameType, decodeAck, decodeCode, decodeFrame, encodeFrame, encodeFrameHeader, envelopePayloadMode } from './frames.js'
import { IdleTimer, Waiters } from './sync.js'
import { InFlightLedger, type Deferred, type InFlight } from './ledger.js'
import { FrameWriter } from './writer.js'
import type { DeliveryChannelEvent, DeliveryItem, DeliveryOutcome } from './types.js'

/** Options of a delivery channel (sender side). */
export interface DeliveryChannelOptions {
  /**
   * Bytes allowed in flight (default 8 MiB): envelope frames until answered, payload bytes until
   * the receiver's sink acknowledges them. Bounds the memory a channel can tie up on both ends.
   */
  windowBytes?: number
  /** Largest payload chunk frame (default 256 KiB); must fit the receiver's `maxFrameBytes`. */
  chunkBytes?: number
  /** Frames are coalesced into `send()`s of about this size (default 64 KiB). */
  coalesceBytes?: number
  /** Fail with `delivery-timeout` after this long with work and no progress (default 30 s). */
  idleTimeoutMs?: number
  /** Bound of `close()` (default 10 s). */
  closeTimeoutMs?: number
  /** Called synchronously on notable events (metrics); must not throw. */
  onEvent?: (event: DeliveryChannelEvent) => void
}

interface Queued extends Deferred {
  item: DeliveryItem
  detached: boolean
}

/** Check a DeliveryItem (TypeError if wrong); true when its payload is detached. */
function isDetachedItem (item: DeliveryItem): boolean {
  if (item == null || !(item.envelopeBytes instanceof Uint8Array)) throw new TypeError('item.envelopeBytes must be a Uint8Array')
  const mode = envelopePayloadMode(item.envelopeBytes)
  if (mode === undefined) throw new TypeError('item.envelopeBytes is not an encoded envelope')
  const { payload } = item
  if (payload != null && !(payload instanceof Uint8Array) && typeof (payload as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] !== 'function') {
    throw new TypeError('item.payload must be a Uint8Array or an AsyncIterable<Uint8Array>')
  }
  if ((payload != null) !== (mode === 'detached')) throw new TypeError('item.payload must be given exactly when the payload is detached')
  return mode === 'detached'
}

/**
 * The sending end of one delivery stream: envelopes are pipelined, framed, coalesced into
 * ~64 KiB writes that honour `send() === false`, limited by a window of bytes in flight (see
 * `windowBytes`), and answered in order. Every failure (stream reset, remote gone, idle timeout, protocol error)
 * rejects every pending `send()` with a typed error; nothing hangs.
 */
export class DeliveryChannel {
  private readonly queue: Queued[] = []
  private readonly ledger = new InFlightLedger()
  private readonly decoder = new LengthPrefixedDecoder({ maxDataLength: MAX_RESPONSE_FRAME_BYTES, maxBufferSize: YAMUX_MAX_WINDOW_BYTES + MAX_RESPONSE_FRAME_BYTES })
  private readonly waiters = new Waiters()
  private readonly timer: IdleTimer
  private readonly failed = new AbortController()
  private readonly windowBytes: number
  private readonly chunkBytes: number
  private readonly closeTimeoutMs: number
  private readonly onEvent: ((event: DeliveryChannelEvent) => void) | undefined
  private readonly writer: FrameWriter
  private writing = false
  private state: 'open' | 'closing' | 'closed' | 'failed' = 'open'
  private failure: LienthongError | undefined
  private readonly ended = Promise.withResolvers<LienthongError | undefined>()

  constructor (private readonly stream: Stream, readonly remotePeerId: string, options: DeliveryChannelOptions = {}) {
    this.windowBytes = checkByteLimit('windowBytes', options.windowBytes ?? DEFAULT_DELIVERY_WINDOW_BYTES)
    this.chunkBytes = checkByteLimit('chunkBytes', options.chunkBytes ?? DEFAULT_DELIVERY_CHUNK_BYTES)
    this.closeTimeoutMs = checkTimeout('closeTimeoutMs', options.closeTimeoutMs ?? DEFAULT_DELIVERY_CLOSE_TIMEOUT_MS)
    this.onEvent = options.onEvent
    this.writer = new FrameWriter(stream, checkByteLimit('coalesceBytes', options.coalesceBytes ?? DEFAULT_DELIVERY_COALESCE_BYTES), this.failed.signal, () => { this.timer.progress() })
    this.timer = new IdleTimer(checkTimeout('idleTimeoutMs', options.idleTimeoutMs ?? DEFAULT_DELIVERY_IDLE_TIMEOUT_MS), () => {
      this.fail(deliveryError(DeliveryErrorCode.TIMEOUT, 'the receiver made no progress in time', this.meta()))
    })
    stream.addEventListener('message', (evt) => { this.onMessage(evt.data) })
    stream.addEventListener('remoteCloseWrite', () => {
      if (this.state !== 'closing' || this.busy()) this.fail(this.streamFailed('remote closed its side'))
    })
    stream.addEventListener('close', (evt) => {
      if (this.state === 'closing' && !this.busy()) this.finish('closed', undefined)
      else this.fail(this.streamFailed(evt.error == null ? 'stream closed' : reasonOf(evt.error), evt.error))
    })
  }

  /** Bytes in flight: envelope frames not yet answered, payload bytes not yet acknowledged. */
  get inFlightBytes (): number { return this.ledger.bytes }
  /** The most bytes ever in flight at once: at most the window (or one frame, if the window is smaller). */
  get peakInFlightBytes (): number { return this.ledger.peak }
  /** Envelopes sent and not yet answered. */
  get pending (): number { return this.ledger.size }
  /** Envelopes accepted by `send()` and not yet written. */
  get queued (): number { return this.queue.length }
  /** `open`, `closing`, `closed` (cleanly) or `failed` (see `whenClosed()`). */
  get status (): 'open' | 'closing' | 'closed' | 'failed' { return this.state }

  /** Resolves when the channel is done: undefined after a clean close, else the failure. Never rejects. */
  async whenClosed (): Promise<LienthongError | undefined> { return await this.ended.promise }

  /**
   * Deliver one envelope. Resolves with the receiver's answer (a receipt or a refusal code);
   * rejects with `delivery-stream-failed`, `delivery-timeout`, `delivery-channel-closed` or
   * `delivery-payload-source-failed` when there is no answer (retry later).
   */
  async send (item: DeliveryItem): Promise<DeliveryOutcome> {
    const detached = isDetachedItem(item)
    if (this.state !== 'open') {
      throw deliveryError(DeliveryErrorCode.CHANNEL_CLOSED, 'the delivery channel is closed', { ...this.meta(), reason: this.failure?.code ?? this.state })
    }
    const { promise, resolve, reject } = Promise.withResolvers<DeliveryOutcome>()
    this.queue.push({ item, detached, resolve, reject })
    this.timer.arm()
    this.kick()
    return await promise
  }

  /**
   * Stop taking envelopes, write what is queued, half-close, and wait (bounded by
   * `closeTimeoutMs`) for every answer; then the stream is aborted if still open. Never rejects:
   * each `send()` reports its own outcome.
   */
  async close (): Promise<void> {
    if (this.state !== 'open') {
      await this.ended.promise
      return
    }
    this.state = 'closing'
    const signal = AbortSignal.any([AbortSignal.timeout(this.closeTimeoutMs), this.failed.signal])
    try {
      await this.waiters.until(() => !this.writing && this.queue.length === 0, signal)
      await this.stream.close({ signal })
      await this.waiters.until(() => !this.busy(), signal)
      if (this.stream.status === 'open') {
        // Answers are all in; the receiver closes its side next. Wait for it, bounded.
        await this.waiters.until(() => this.stream.status !== 'open', signal)
      }
      this.finish('closed', undefined)
    } catch (err) {
      this.fail(isLienthongError(err) ? err : deliveryError(DeliveryErrorCode.TIMEOUT, 'close timed out', this.meta(), err))
    }
  }

  /** Fail every pending send with `delivery-stream-failed` and reset the stream. */
  abort (reason = 'aborted by the caller'): void {
    this.fail(this.streamFailed(reason))
  }

  private isFailed (): boolean {
    return this.state === 'failed'
  }

  private busy (): boolean {
    return this.ledger.size > 0 || this.queue.length > 0 || this.writing
  }

  private meta (): Record<string, string> {
    return { peer: this.remotePeerId }
  }

  private streamFailed (reason: string, cause?: unknown, remoteCode?: string): LienthongError {
    const meta = remoteCode === undefined ? { ...this.meta(), reason } : { ...this.meta(), reason, remoteCode }
    return deliveryError(DeliveryErrorCode.STREAM_FAILED, 'the delivery stream failed', meta, cause)
  }

  private emit (event: DeliveryChannelEvent): void {
    try {
      this.onEvent?.(event)
    } catch {
      // a metrics hook must not break delivery
    }
  }

  private kick (): void {
    if (this.writing) return
    this.writing = true
    // Started in a microtask, so that sends made in the same tick share coalesced writes.
    queueMicrotask(() => {
      this.writeLoop().catch((err: unknown) => {
        this.fail(isLienthongError(err) ? err : this.streamFailed(reasonOf(err), err))
      }).finally(() => {
        this.writing = false
        this.waiters.wake()
        if (this.queue.length > 0 && !this.isFailed()) this.kick()
      })
    })
  }

  private async writeLoop (): Promise<void> {
    for (;;) {
      if (this.isFailed()) return
      const next = this.queue.shift()
      if (next === undefined) {
        await this.writer.flush()
        if (this.queue.length === 0) return
        continue
      }
      const entry = this.ledger.open(next)
      const { envelopeBytes } = next.item
      const header = encodeFrameHeader(FrameType.ENVELOPE, entry.seq, envelopeBytes.length)
      const frameLength = header.length + envelopeBytes.length
      await this.admit(frameLength, entry)
      if (this.isFailed()) return
      this.ledger.count(entry, frameLength, 'frame')
      await this.writer.pushFrame(header, envelopeBytes)
      if (next.detached && next.item.payload != null) await this.writePayload(entry, next.item.payload)
    }
  }

  private async writePayload (entry: InFlight, payload: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const source: Iterable<Uint8Array> | AsyncIterable<Uint8Array> = payload instanceof Uint8Array ? [payload] : payload
    try {
      for await (const chunk of source) {
        if (!(chunk instanceof Uint8Array)) throw new TypeError('payload chunks must be Uint8Arrays')
        for (let offset = 0; offset < chunk.length && !entry.answered && !this.isFailed(); offset += this.chunkBytes) {
          const part = chunk.subarray(offset, offset + this.chunkBytes)
          await this.admit(part.length, entry)
          if (entry.answered || this.isFailed()) break
          // Payload bytes count until acknowledged (the framing overhead is not counted).
          this.ledger.count(entry, part.length, 'payload')
          await this.writer.pushSplit(encodeFrameHeader(FrameType.PAYLOAD_CHUNK, entry.seq, part.length), part)
        }
        if (entry.answered || this.isFailed()) break
      }
    } catch (err) {
      if (this.isFailed()) return
      // End the payload short: the receiver refuses it and the stream lives on; the caller gets this error instead.
      entry.localError = deliveryError(DeliveryErrorCode.PAYLOAD_SOURCE_FAILED, 'the payload source failed', { ...this.meta(), reason: reasonOf(err) }, err)
    }
    if (!this.isFailed()) await this.writer.push(encodeFrame(FrameType.PAYLOAD_END, entry.seq))
  }

  /** Wait until `length` more bytes for `own` fit the window (written frames go out first). */
  private async admit (length: number, own: InFlight): Promise<void> {
    if (this.ledger.fits(length, own, this.windowBytes)) return
    await this.writer.flush()
    this.emit({ type: 'window-full', inFlightBytes: this.ledger.bytes, pending: this.ledger.size })
    await this.waiters.until(() => this.isFailed() || this.ledger.fits(length, own, this.windowBytes))
  }

  private onMessage (data: Parameters<LengthPrefixedDecoder['decode']>[0]): void {
    if (this.isFailed() || this.state === 'closed') return
    try {
      for (const frame of this.decoder.decode(data)) this.onResponse(frame.subarray())
    } catch (err) {
      // Our decoder's limits or a protocol violation by the receiver.
      this.fail(this.streamFailed(isLienthongError(err) ? err.code : DeliveryErrorCode.FRAME_TOO_LARGE, err))
    }
  }

  private onResponse (body: Uint8Array): void {
    if (this.isFailed()) return
    const frame = decodeFrame(body)
    if (frame.type === FrameType.STREAM_ERROR) {
      this.fail(this.streamFailed('the receiver reset the stream', undefined, decodeCode(frame.data)))
      return
    }
    if (frame.type === FrameType.PAYLOAD_ACK) {
      this.ledger.ack(frame.seq, decodeAck(frame.data))
    } else {
      let outcome: DeliveryOutcome
      // A view, not a copy (a malloc per envelope): the received bytes are never reused (the
      // decoder keeps the chunks it was given), and the receipt is copied into the outbox record.
      if (frame.type === FrameType.RECEIPT) outcome = { status: 'receipted', receipt: new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.length) }
      else if (frame.type === FrameType.REFUSED) outcome = { status: 'refused', code: decodeCode(frame.data) }
      else throw deliveryError(DeliveryErrorCode.BAD_FRAME, 'unexpected frame from the receiver', { type: frame.type })
      const entry = this.ledger.answer(frame.seq)
      if (entry.localError !== undefined) entry.reject(entry.localError)
      else entry.resolve(outcome)
      if (!this.busy()) this.timer.disarm()
    }
    this.timer.progress()
    this.waiters.wake()
  }

  private fail (error: LienthongError): void {
    if (this.state === 'failed' || this.state === 'closed') return
    this.state = 'failed'
    this.failure = error
    this.emit({ type: 'failed', code: error.code })
    this.failed.abort(error)
    this.ledger.rejectAll(error)
    for (const queued of this.queue.splice(0)) queued.reject(error)
    this.writer.discard()
    this.stream.abort(toError(error))
    this.finish('failed', error)
  }

  private finish (state: 'closed' | 'failed', error: LienthongError | undefined): void {
    if (this.state !== 'failed') this.state = state
    this.timer.disarm()
    this.waiters.wake()
    this.ended.resolve(error)
  }
}
