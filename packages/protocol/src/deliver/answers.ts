import { MAX_RECEIPT_BYTES } from '@lienthong/envelope'
import { FrameType, concatFrames, encodeCodeFrame, encodeFrame, isWireCode } from './frames.js'
import type { DeliveryResponse, IncomingEnvelope, PayloadSink } from './types.js'

/** An entry of a receiver's batch: an envelope for the handler, or a refusal already decided. */
export type BatchItem<S extends PayloadSink> = { seq: number, incoming: IncomingEnvelope<S> } | { seq: number, refused: string }

/** The envelopes of a batch that go to the handler, in order. */
export function forHandler<S extends PayloadSink> (items: ReadonlyArray<BatchItem<S>>): Array<IncomingEnvelope<S>> {
  return items.flatMap(item => 'incoming' in item ? [item.incoming] : [])
}

/**
 * The answer frames of a batch, in seq order, as one buffer: each decided refusal, and the
 * handler's response for each other envelope. TypeError if a response is not a receipt of at
 * most MAX_RECEIPT_BYTES or a refusal with a valid code; `onRefused` sees each refusal code.
 */
export function answerFrames<S extends PayloadSink> (items: ReadonlyArray<BatchItem<S>>, responses: readonly DeliveryResponse[],
  onRefused: (seq: number, code: string) => void): Uint8Array {
  let next = 0
  const frames = items.map(item => {
    if ('refused' in item) return encodeCodeFrame(FrameType.REFUSED, item.seq, item.refused)
    const response = responses[next++]
    if (response?.status === 'receipted' && response.receipt instanceof Uint8Array && response.receipt.length > 0 && response.receipt.length <= MAX_RECEIPT_BYTES) {
      return encodeFrame(FrameType.RECEIPT, item.seq, response.receipt)
    }
    if (response?.status === 'refused' && isWireCode(response.code)) {
      onRefused(item.seq, response.code)
      return encodeCodeFrame(FrameType.REFUSED, item.seq, response.code)
    }
    throw new TypeError('handle() answered with an invalid response')
  })
  return concatFrames(frames, frames.reduce((n, f) => n + f.length, 0))
}
