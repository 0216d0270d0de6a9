import { LengthPrefixedDecoder } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { SIGNATURE_LENGTH } from '@lienthong/crypto'
import { EnvelopeErrorCode, decodeEnvelope, type DecodedEnvelope } from '@lienthong/envelope'
import { LienthongError, isLienthongError } from '@lienthong/errors'
import { ACK_EVERY_BYTES, RECEIVER_CLOSE_TIMEOUT_MS, YAMUX_MAX_WINDOW_BYTES } from './constants.js'
import { DeliveryErrorCode, deliveryError } from './errors.js'
import { answerFrames, forHandler, type BatchItem } from './answers.js'
import { FrameType, concatFrames, encodeAckFrame, encodeCodeFrame, envelopePayloadMode, isWireCode } from './frames.js'
import { IncomingPayload } from './payload.js'
import { AnswerPipeline } from './pipeline.js'
import { Fatal, decodeBody, readFrames, type SplitChunk } from './inbound.js'
import { waitForDrain } from './sync.js'
import type { PayloadSink, ReceiverConfig } from './types.js'

/**
 * The receiving end of one delivery stream: decodes frames, streams detached payloads into sinks
 * (acknowledging bytes as the sink takes them), hands complete envelopes to `handle()` in
 * batches (one group commit each) and answers in order. Reading is paused while more than
 * `highWaterBytes` wait, so a slow handler or sink holds the sender back through yamux's window.
 */
export class DeliveryReceiver<S extends PayloadSink> {
  private readonly decoder: LengthPrefixedDecoder
  private readonly frames: Array<Uint8Array | SplitChunk | Fatal> = []
  private queuedBytes = 0
  private batch: Array<BatchItem<S>> = []
  private batchBytes = 0
  private urgent = false
  private current: IncomingPayload<S> | undefined
  private expectedSeq = 0
  private running = false
  private inputClosed = false
  private remoteDone = false
  private dead = false
  private readonly closed = new AbortController()
  private readonly answers: AnswerPipeline

  constructor (private readonly stream: Stream, private readonly peer: string, private readonly config: ReceiverConfig<S>) {
    this.answers = new AnswerPipeline(config.maxPendingBatches, async (bytes) => { await this.write(bytes) }, (err) => { this.failed(err) })
    this.decoder = new LengthPrefixedDecoder({ maxDataLength: config.maxFrameBytes, maxBufferSize: config.maxFrameBytes + YAMUX_MAX_WINDOW_BYTES })
    // A paused stream still receives what the sender's yamux window allows (up to 16 MiB):
    // above the 4 MiB default it would abort itself (gotcha 7).
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, YAMUX_MAX_WINDOW_BYTES + config.maxFrameBytes)
    stream.addEventListener('message', (evt) => { this.onMessage(evt.data) })
    stream.addEventListener('remoteCloseWrite', () => {
      this.remoteDone = true
      this.kick()
    })
    // Settle on close as well (gotcha 14): whatever happened, stop and release the open sink.
    stream.addEventListener('close', () => {
      this.dead = true
      this.closed.abort()
      this.current?.release(deliveryError(DeliveryErrorCode.STREAM_FAILED, 'the delivery stream closed', { peer }))
    })
  }

  private onMessage (data: Parameters<LengthPrefixedDecoder['decode']>[0]): void {
    if (this.dead || this.inputClosed) return
    const read = readFrames(this.decoder, data, this.frames)
    this.queuedBytes += read.bytes
    this.inputClosed = !read.ok
    if (this.queuedBytes > this.config.highWaterBytes && this.stream.readStatus === 'readable') {
      this.stream.pause()
      this.config.emit({ type: 'paused', peer: this.peer, queuedBytes: this.queuedBytes })
    }
    this.kick()
  }

  private kick (): void {
    if (this.running || this.dead) return
    this.running = true
    this.run().catch((err: unknown) => { this.failed(err) }).finally(() => {
      this.running = false
      if (!this.dead && (this.frames.length > 0 || this.remoteDone)) this.kick()
    })
  }

  /** Our own failure (a handler that threw, a bug): reset the stream; the sender retries. */
  private failed (err: unknown): void {
    if (this.dead) return
    this.config.log.error('delivery receiver failed for %s - %e', this.peer, err)
    this.dead = true
    this.stream.abort(err instanceof Error ? err : new Error(String(err)))
  }

  private async run (): Promise<void> {
    while (!this.dead) {
      this.maybeResume()
      const next = this.frames.shift()
      if (next === undefined) {
        // Caught up with the wire: answer what is complete, acknowledge what the sink took.
        if (this.batch.length > 0) {
          await this.flushBatch()
          continue
        }
        if (this.current !== undefined && this.current.consumed > this.current.acked) await this.ack(this.current)
        if (this.frames.length > 0) continue
        if (this.remoteDone && this.stream.readBufferLength === 0) {
          if (this.current === undefined) await this.answers.drain().then(async () => { await this.finish() })
          else await this.stop(new Fatal(DeliveryErrorCode.TRUNCATED))
        }
        return
      }
      if (next instanceof Fatal) {
        await this.stop(next)
        return
      }
      this.queuedBytes -= next.length
      try {
        // Most frames (an envelope with its payload inline) are handled synchronously: no promise.
        const pending = this.onFrame(next)
        if (pending !== undefined) await pending
      } catch (err) {
        if (!(err instanceof Fatal)) throw err
        await this.stop(err)
        return
      }
      if (this.urgent || this.batch.length >= this.config.maxBatchEnvelopes || this.batchBytes >= this.config.maxBatchBytes) await this.flushBatch()
    }
  }

  private maybeResume (): void {
    if (this.stream.readStatus === 'paused' && this.queuedBytes <= this.config.highWaterBytes / 2) {
      this.stream.resume() // dispatches what the stream buffered, synchronously, into onMessage
      this.config.emit({ type: 'resumed', peer: this.peer, queuedBytes: this.queuedBytes })
    }
  }

  /** Handle one frame; a promise only when that takes I/O (a payload sink). Throws Fatal. */
  private onFrame (body: Uint8Array | SplitChunk): Promise<void> | undefined {
    const frame = decodeBody(body)
    if (frame.type === FrameType.ENVELOPE) {
      if (this.current !== undefined || frame.seq !== this.expectedSeq) throw new Fatal(DeliveryErrorCode.BAD_FRAME)
      this.expectedSeq++
      return this.onEnvelope(frame.seq, frame.data)
    }
    const open = this.current
    if (open === undefined || frame.seq !== open.seq) throw new Fatal(DeliveryErrorCode.BAD_FRAME)
    if (frame.type === FrameType.PAYLOAD_CHUNK) return this.onChunk(open, frame.parts)
    if (frame.type === FrameType.PAYLOAD_END) return this.onEnd(open)
    throw new Fatal(DeliveryErrorCode.BAD_FRAME)
  }

  /** Decode and queue an envelope; a promise only for a detached payload's sink being opened. */
  private onEnvelope (seq: number, bytes: Uint8Array): Promise<void> | undefined {
    const mode = envelopePayloadMode(bytes)
    let envelope: DecodedEnvelope
    try {
      // Views: the batch keeps `bytes` until the envelope is stored anyway.
      envelope = decodeEnvelope(bytes, { maxHeaderBytes: this.config.maxHeaderBytes, maxPayloadBytes: this.config.maxEnvelopeBytes }, { views: true })
    } catch (err) {
      const code = isLienthongError(err) ? err.code : EnvelopeErrorCode.MALFORMED
      if (mode !== 'detached') {
        this.refuse(seq, code)
        return
      }
      // Do not drain a payload declared too large: refuse it and reset.
      if (code === EnvelopeErrorCode.TOO_LARGE) throw new Fatal(code, seq)
      this.refuse(seq, code, true)
      this.current = new IncomingPayload(seq, undefined, bytes, this.config.maxEnvelopeBytes, this.config.log)
      return
    }
    const size = envelope.headerBytes.length + SIGNATURE_LENGTH + envelope.header.payloadLength
    if (size > this.config.maxEnvelopeBytes) {
      if (envelope.payload === null) throw new Fatal(EnvelopeErrorCode.TOO_LARGE, seq)
      this.refuse(seq, EnvelopeErrorCode.TOO_LARGE)
      return
    }
    if (envelope.payload !== null) {
      this.batch.push({ seq, incoming: { seq, envelope, bytes } })
      this.batchBytes += bytes.length
      return
    }
    const open = new IncomingPayload<S>(seq, envelope, bytes, envelope.header.payloadLength, this.config.log)
    this.current = open
    const { openPayload } = this.config
    if (openPayload === undefined) {
      this.refuse(seq, DeliveryErrorCode.DETACHED_UNSUPPORTED, true)
      return
    }
    return (async () => {
      try {
        open.sink = await openPayload(envelope, this.peer)
      } catch (err) {
        // A LienthongError is a refusal (policy); anything else is our failure: the sender retries.
        if (!isLienthongError(err) || !isWireCode(err.code)) throw this.handlerFailed(err)
        this.refuse(seq, err.code, true)
      }
    })()
  }

  private async onChunk (open: IncomingPayload<S>, parts: Uint8Array[]): Promise<void> {
    if (!open.take(parts.reduce((n, part) => n + part.length, 0))) {
      // Refused already if there is no sink; otherwise refuse it now. Either way, reset.
      const refuseSeq = open.sink === undefined ? undefined : open.seq
      open.release(deliveryError(DeliveryErrorCode.PAYLOAD_OVERRUN, 'payload longer than declared', { peer: this.peer }))
      throw new Fatal(DeliveryErrorCode.PAYLOAD_OVERRUN, refuseSeq)
    }
    try {
      for (const part of parts) await open.write(part)
    } catch (err) {
      open.release(err instanceof Error ? err : new Error(String(err)))
      if (!isLienthongError(err) || !isWireCode(err.code)) throw this.handlerFailed(err)
      this.refuse(open.seq, err.code, true)
      return
    }
    if (open.consumed - open.acked >= ACK_EVERY_BYTES) await this.ack(open)
  }

  private async onEnd (open: IncomingPayload<S>): Promise<void> {
    this.current = undefined
    const { sink, envelope } = open
    if (sink === undefined || envelope === undefined) return // refused already
    if (!open.matchesHeader()) {
      await open.discard(new LienthongError(EnvelopeErrorCode.PAYLOAD_MISMATCH, 'payload does not match its header', { peer: this.peer }))
      this.refuse(open.seq, EnvelopeErrorCode.PAYLOAD_MISMATCH)
      return
    }
    try {
      await sink.end()
    } catch (err) {
      throw this.handlerFailed(err)
    }
    this.batch.push({ seq: open.seq, incoming: { seq: open.seq, envelope, bytes: open.bytes, payloadSink: sink } })
    this.batchBytes += open.bytes.length
  }

  private async ack (open: IncomingPayload<S>): Promise<void> {
    open.acked = open.consumed
    await this.write(encodeAckFrame(open.seq, open.consumed))
  }

  private refuse (seq: number, code: string, streaming = false): void {
    this.batch.push({ seq, refused: code })
    // Answer a detached payload's refusal at once: its sender then stops streaming it.
    if (streaming) this.urgent = true
    this.config.emit({ type: 'refused', peer: this.peer, seq, code })
  }

  private handlerFailed (err: unknown): Fatal {
    this.config.log.error('delivery handler failed for %s - %e', this.peer, err)
    return new Fatal(DeliveryErrorCode.HANDLER_FAILED)
  }

  /**
   * Hand the batch to the handler (one call) and answer every item in seq order, after the
   * batches before it; resolves once fewer than `maxPendingBatches` are unanswered.
   */
  private async flushBatch (): Promise<void> {
    const items = this.batch
    this.batch = []
    this.batchBytes = 0
    this.urgent = false
    if (items.length === 0) return
    await this.answers.add(async () => {
      const incoming = forHandler(items)
      let answers: Uint8Array
      try {
        const responses = incoming.length === 0 ? [] : await this.config.handle(incoming, this.peer)
        if (!Array.isArray(responses) || responses.length !== incoming.length) throw new TypeError('handle() must answer each envelope')
        answers = answerFrames(items, responses, (seq, code) => { this.config.emit({ type: 'refused', peer: this.peer, seq, code }) })
      } catch (err) {
        throw this.handlerFailed(err)
      }
      if (incoming.length > 0) this.config.emit({ type: 'batch', peer: this.peer, size: incoming.length })
      return answers
    })
  }

  private async write (bytes: Uint8Array): Promise<void> {
    if (this.dead || this.stream.writeStatus !== 'writable') return
    if (!this.stream.send(bytes)) await waitForDrain(this.stream, this.closed.signal)
  }

  /** Answer what arrived whole, refuse the culprit, say why, reset. Never throws. */
  private async stop (fatal: Fatal): Promise<void> {
    if (this.dead) return
    this.inputClosed = true
    this.frames.length = 0
    this.queuedBytes = 0
    this.current?.release(deliveryError(DeliveryErrorCode.STREAM_FAILED, 'the delivery stream failed', { peer: this.peer, reason: fatal.code }))
    try {
      if (fatal.code !== DeliveryErrorCode.HANDLER_FAILED) await this.flushBatch()
      await this.answers.drain()
      const frames = fatal.refuseSeq === undefined ? [] : [encodeCodeFrame(FrameType.REFUSED, fatal.refuseSeq, fatal.code)]
      frames.push(encodeCodeFrame(FrameType.STREAM_ERROR, fatal.refuseSeq ?? this.expectedSeq, fatal.code))
      await this.write(concatFrames(frames, frames.reduce((n, f) => n + f.length, 0)))
    } catch (err) {
      if (!(err instanceof Fatal)) this.config.log.error('delivery stream stop failed for %s - %e', this.peer, err)
    }
    if (fatal.refuseSeq !== undefined) this.config.emit({ type: 'refused', peer: this.peer, seq: fatal.refuseSeq, code: fatal.code })
    this.config.emit({ type: 'stream-error', peer: this.peer, code: fatal.code })
    this.dead = true
    this.stream.abort(deliveryError(DeliveryErrorCode.STREAM_FAILED, 'delivery stream reset', { peer: this.peer, reason: fatal.code }))
  }

  /** The sender closed its side and everything is answered: close ours. */
  private async finish (): Promise<void> {
    this.dead = true
    try {
      await this.stream.close({ signal: AbortSignal.any([AbortSignal.timeout(RECEIVER_CLOSE_TIMEOUT_MS), this.closed.signal]) })
    } catch (err) {
      this.stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
