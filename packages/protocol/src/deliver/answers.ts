import { MAX_RECEIPT_BYTES } from '@lienthong/envelope'
import { FrameType, codeBytes, frameLength, isWireCode, writeFrameAt } from './frames.js'
import type { DeliveryResponse, IncomingEnvelope, PayloadSink } from './types.js'

/** An entry of a receiver's batch: an envelope for the handler, or a refusal already decided. */
export type BatchItem<S extends PayloadSink> = { seq: number, incoming: IncomingEnvelope<S> } | { seq: number, refused: string }

/** The envelopes of a batch that go to the handler, in order. */
export function forHandler<S extends PayloadSink> (items: ReadonlyArray<BatchItem<S>>): Array<IncomingEnvelope<S>> {
  return items.flatMap(item => 'incoming' in item ? [item.incoming] : [])
}

/** One answer frame, before it is written. */
interface Answer {
  type: typeof FrameType.RECEIPT | typeof FrameType.REFUSED
  seq: number
  data: Uint8Array
}

/**
 * The answer frames of a batch, in seq order, as one buffer: each decided refusal, and the
 * handler's response for each other envelope. TypeError if a response is not a receipt of at
 * most MAX_RECEIPT_BYTES or a refusal with a valid code; `onRefused` sees each refusal code.
 * Each frame is written straight into the one buffer (a receipt is copied once, not twice).
 */
export function answerFrames<S extends PayloadSink> (items: ReadonlyArray<BatchItem<S>>, responses: readonly DeliveryResponse[],
  onRefused: (seq: number, code: string) => void): Uint8Array {
  let next = 0
  let total = 0
  const answers = items.map((item): Answer => {
    const answer = answerOf(item, () => responses[next++], onRefused)
    total += frameLength(answer.seq, answer.data.length)
    return answer
  })
  const out = new Uint8Array(total)
  let offset = 0
  for (const { type, seq, data } of answers) offset = writeFrameAt(out, offset, type, seq, data)
  return out
}

function answerOf<S extends PayloadSink> (item: BatchItem<S>, nextResponse: () => DeliveryResponse | undefined,
  onRefused: (seq: number, code: string) => void): Answer {
  if ('refused' in item) return { type: FrameType.REFUSED, seq: item.seq, data: codeBytes(item.refused) }
  const response = nextResponse()
  if (response?.status === 'receipted' && response.receipt instanceof Uint8Array && response.receipt.length > 0 && response.receipt.length <= MAX_RECEIPT_BYTES) {
    return { type: FrameType.RECEIPT, seq: item.seq, data: response.receipt }
  }
  if (response?.status === 'refused' && isWireCode(response.code)) {
    onRefused(item.seq, response.code)
    return { type: FrameType.REFUSED, seq: item.seq, data: codeBytes(response.code) }
  }
  throw new TypeError('handle() answered with an invalid response')
}
