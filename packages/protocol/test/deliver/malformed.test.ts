import { LengthPrefixedDecoder } from '@libp2p/utils'
import test, { type ExecutionContext } from 'ava'
import { generateNodeKey, type NodeKey } from '@lienthong/crypto'
import { createEnvelope, encodeEnvelope } from '@lienthong/envelope'
import { DELIVER_PROTOCOL, type Host } from '@lienthong/protocol'
import { openDeliveryChannel, type DeliveryServerEvent } from '../../src/deliver/index.js'
import { FrameType, decodeCode, decodeFrame, encodeFrame, type Frame } from '../../src/deliver/frames.js'
import { addressOf, startHost } from '../helpers.js'
import { HashingSink, INIT, MiB, inlineEnvelope, receiptVerifies, serve, verifyingHandler, within } from './fixtures.js'

interface Exchange {
  /** What the receiver answered (PAYLOAD_ACKs left out), with codes as text. */
  answers: Array<{ type: string, seq: number, code?: string }>
  /** How the stream ended: `closed` cleanly or `reset`. */
  end: string
}

const NAMES = new Map<number, string>(Object.entries(FrameType).map(([name, type]) => [type, name]))

/** Write raw bytes on a fresh delivery stream (then half-close if asked); collect every answer until the stream ends. */
async function exchange (sender: Host, receiver: Host, bytes: Uint8Array[], closeWrite: boolean): Promise<Exchange> {
  const stream = await sender.dialProtocol(addressOf(receiver), DELIVER_PROTOCOL)
  const decoder = new LengthPrefixedDecoder({ maxDataLength: 4096 })
  const answers: Exchange['answers'] = []
  const ended = new Promise<string>(resolve => {
    stream.addEventListener('close', (evt) => { resolve(evt.error == null ? 'closed' : 'reset') })
  })
  stream.addEventListener('message', (evt) => {
    for (const frame of decoder.decode(evt.data)) {
      const { type, seq, data }: Frame = decodeFrame(frame.subarray())
      if (type === FrameType.PAYLOAD_ACK) continue // flow control, checked elsewhere
      const answer = { type: NAMES.get(type) ?? 'unknown', seq }
      answers.push(type === FrameType.REFUSED || type === FrameType.STREAM_ERROR ? { ...answer, code: decodeCode(data) } : answer)
    }
  })
  for (const chunk of bytes) stream.send(chunk)
  if (closeWrite) await stream.close()
  const end = await within(ended, 10_000, 'stream end')
  return { answers, end }
}

async function setup (t: ExecutionContext): Promise<{ sender: Host, receiver: Host, senderKey: NodeKey, receiverKey: NodeKey, events: DeliveryServerEvent[] }> {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const events: DeliveryServerEvent[] = []
  await serve(t, receiver, {
    maxFrameBytes: MiB,
    openPayload: () => new HashingSink(),
    handle: verifyingHandler(receiverKey, senderKey),
    onEvent: (event) => { events.push(event) }
  })
  return { sender, receiver, senderKey, receiverKey, events }
}

test('malformed frames are refused with a code and only their stream is reset', async t => {
  const { sender, receiver, senderKey, receiverKey, events } = await setup(t)
  const good = encodeEnvelope(inlineEnvelope(senderKey, 50))
  const detached = encodeEnvelope(createEnvelope(INIT, senderKey, { hash: new Uint8Array(32), length: 100 }), { detachPayload: true })
  const resetWith = (code: string, seq: number): Exchange => ({ answers: [{ type: 'STREAM_ERROR', seq, code }], end: 'reset' })

  t.deepEqual(await exchange(sender, receiver, [encodeFrame(0x7f as FrameType, 0, good)], false), resetWith('delivery-bad-frame', 0), 'unknown type')
  t.deepEqual(await exchange(sender, receiver, [encodeFrame(FrameType.ENVELOPE, 5, good)], false), resetWith('delivery-bad-frame', 0), 'out of sequence')
  t.deepEqual(await exchange(sender, receiver, [encodeFrame(FrameType.PAYLOAD_CHUNK, 0, good)], false), resetWith('delivery-bad-frame', 0), 'chunk with no payload open')
  t.deepEqual(await exchange(sender, receiver, [encodeFrame(FrameType.RECEIPT, 0, good)], false), resetWith('delivery-bad-frame', 0), 'a response sent to the receiver')
  // A length prefix of 2 MiB against maxFrameBytes of 1 MiB: refused from the prefix alone.
  t.deepEqual(await exchange(sender, receiver, [Uint8Array.from([0x80, 0x80, 0x80, 0x01, FrameType.ENVELOPE, 0])], false), resetWith('delivery-frame-too-large', 0), 'oversized frame')
  // A detached payload cut short by the sender closing its side.
  t.deepEqual(await exchange(sender, receiver, [encodeFrame(FrameType.ENVELOPE, 0, detached), encodeFrame(FrameType.PAYLOAD_CHUNK, 0, new Uint8Array(10))], true),
    resetWith('delivery-truncated', 1), 'truncated payload')

  // An envelope that does not decode is refused; the stream goes on, and ends cleanly.
  const clean = await exchange(sender, receiver, [
    encodeFrame(FrameType.ENVELOPE, 0, Uint8Array.from([0x83, 0x41, 0x00, 0x41, 0x00, 0xf7])),
    encodeFrame(FrameType.ENVELOPE, 1, good),
    encodeFrame(FrameType.ENVELOPE, 2, detached),
    encodeFrame(FrameType.PAYLOAD_CHUNK, 2, new Uint8Array(100)),
    encodeFrame(FrameType.PAYLOAD_END, 2)
  ], true)
  t.deepEqual(clean, {
    answers: [
      { type: 'REFUSED', seq: 0, code: 'envelope-malformed' },
      { type: 'RECEIPT', seq: 1 },
      { type: 'REFUSED', seq: 2, code: 'envelope-payload-mismatch' }
    ],
    end: 'closed'
  })
  t.is(events.filter(e => e.type === 'stream-error').length, 6)

  // The service still works for a well-behaved sender.
  const channel = await openDeliveryChannel(sender, addressOf(receiver))
  const env = inlineEnvelope(senderKey, 10, 3)
  t.true(receiptVerifies(await channel.send({ envelopeBytes: encodeEnvelope(env) }), env, receiverKey))
  await channel.close()
})
