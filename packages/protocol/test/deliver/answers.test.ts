import test from 'ava'
import fc from 'fast-check'
import { generateNodeKey } from '@lienthong/crypto'
import { MAX_RECEIPT_BYTES, decodeEnvelope, encodeEnvelope } from '@lienthong/envelope'
import { answerFrames, type BatchItem } from '../../src/deliver/answers.js'
import { FrameType, encodeCodeFrame, encodeFrame } from '../../src/deliver/frames.js'
import type { DeliveryResponse, PayloadSink } from '../../src/deliver/types.js'
import { inlineEnvelope } from './fixtures.js'

const bytes = encodeEnvelope(inlineEnvelope(generateNodeKey(), 16))
const envelope = decodeEnvelope(bytes)

type Entry = { kind: 'decided', code: string } | { kind: 'receipt', receipt: Uint8Array } | { kind: 'refused', code: string }

const code = fc.constantFrom('envelope-bad-signature', 'relay-sender-unknown', 'delivery-detached-unsupported')
const entry: fc.Arbitrary<Entry> = fc.oneof(
  fc.record({ kind: fc.constant('decided' as const), code }),
  fc.record({ kind: fc.constant('receipt' as const), receipt: fc.uint8Array({ minLength: 1, maxLength: 700 }) }),
  fc.record({ kind: fc.constant('refused' as const), code })
)

/** A batch from entries: seqs from `first` on; a decided refusal is not handed to the handler. */
function batchOf (entries: readonly Entry[], first: number): { items: Array<BatchItem<PayloadSink>>, responses: DeliveryResponse[] } {
  const items: Array<BatchItem<PayloadSink>> = []
  const responses: DeliveryResponse[] = []
  entries.forEach((e, i) => {
    const seq = first + i
    if (e.kind === 'decided') {
      items.push({ seq, refused: e.code })
      return
    }
    items.push({ seq, incoming: { seq, envelope, bytes } })
    responses.push(e.kind === 'receipt' ? { status: 'receipted', receipt: e.receipt } : { status: 'refused', code: e.code })
  })
  return { items, responses }
}

test('answer frames are the frames of each answer, in seq order, in one buffer (property)', t => {
  fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), fc.oneof(fc.nat(200), fc.constant(2 ** 40)), (entries, first) => {
    const { items, responses } = batchOf(entries, first)
    const refused: Array<[number, string]> = []
    const out = answerFrames(items, responses, (seq, c) => { refused.push([seq, c]) })
    const expected = Buffer.concat(entries.map((e, i) => e.kind === 'receipt'
      ? encodeFrame(FrameType.RECEIPT, first + i, e.receipt)
      : encodeCodeFrame(FrameType.REFUSED, first + i, e.code)))
    const handlerRefusals = entries.flatMap((e, i): Array<[number, string]> => e.kind === 'refused' ? [[first + i, e.code]] : [])
    return Buffer.from(out).equals(expected) && JSON.stringify(refused) === JSON.stringify(handlerRefusals)
  }), { numRuns: 200 })
  t.pass()
})

test('an invalid handler response is a TypeError', t => {
  const { items } = batchOf([{ kind: 'receipt', receipt: new Uint8Array(1) }], 0)
  const invalid: unknown[] = [
    { status: 'receipted', receipt: new Uint8Array(0) },
    { status: 'receipted', receipt: new Uint8Array(MAX_RECEIPT_BYTES + 1) },
    { status: 'receipted', receipt: 'bytes' },
    { status: 'refused', code: 'Not A Code' },
    { status: 'other' }
  ]
  for (const response of invalid) t.throws(() => answerFrames(items, [response as DeliveryResponse], () => {}), { instanceOf: TypeError })
  t.throws(() => answerFrames(items, [], () => {}), { instanceOf: TypeError })
})
