import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { createEnvelope, encodeEnvelope, type DecodedEnvelope } from '@lienthong/envelope'
import { LienthongError } from '@lienthong/errors'
import { DeliveryErrorCode, openDeliveryChannel, type DeliveryServerEvent, type IncomingEnvelope } from '../../src/deliver/index.js'
import { addressOf, sameBytes, startHost } from '../helpers.js'
import {
  HashingSink, INIT, MiB, digestOf, inlineEnvelope, payloadChunks, receiptVerifies, rejection, serve, verifyingHandler, within
} from './fixtures.js'

// A full collection before each memory sample, so that it counts what is held, not garbage; and
// array buffers swept in that collection, not later on a background thread (otherwise freed
// buffers of 16 MiB and more still show in `arrayBuffers` at random).
setFlagsFromString('--expose-gc')
setFlagsFromString('--no-concurrent-array-buffer-sweeping')
const gc = runInNewContext('gc') as () => void

function heldBytes (): number {
  gc()
  const usage = process.memoryUsage()
  return usage.arrayBuffers + usage.heapUsed
}

// Serial: ava runs serial tests first and alone, so that the memory samples see this transfer only.
test.serial('a 20 MiB detached payload streams in chunks: exact bytes, bounded memory', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const size = 20 * MiB
  const hash = await digestOf(payloadChunks(size, 64 * 1024, 42))
  const env = createEnvelope(INIT, senderKey, { hash, length: size })

  const samples: number[] = []
  const sinks: HashingSink[] = []
  const handler = verifyingHandler(receiverKey, senderKey)
  const handled: Array<IncomingEnvelope<HashingSink>> = []
  await serve(t, receiver, {
    openPayload: () => {
      let next = size / 4
      const sink = new HashingSink((received) => {
        // Held memory at 1/4, 1/2 and 3/4 of the transfer, both ends running in this process.
        if (received >= next && received < size) {
          samples.push(heldBytes())
          next += size / 4
        }
      })
      sinks.push(sink)
      return sink
    },
    handle: async (batch: Array<IncomingEnvelope<HashingSink>>) => {
      handled.push(...batch)
      return await handler(batch)
    }
  })
  // What a channel can tie up is about its window (payload bytes count until the receiver's sink
  // acknowledges them) plus a constant; a 2 MiB window keeps that far below the payload size.
  const windowBytes = 2 * MiB
  const channel = await openDeliveryChannel(sender, addressOf(receiver), { windowBytes })
  const before = heldBytes()
  const started = performance.now()
  const outcome = await within(channel.send({ envelopeBytes: encodeEnvelope(env), payload: payloadChunks(size, 64 * 1024, 42) }), 60_000, '20 MiB delivery')
  const seconds = (performance.now() - started) / 1000
  const after = heldBytes()
  const growth = Math.max(after, ...samples) - before
  t.log(`20 MiB payload: ${(size / MiB / seconds).toFixed(1)} MiB/s, held memory growth ${(growth / MiB).toFixed(2)} MiB, samples ${samples.map(s => ((s - before) / MiB).toFixed(2)).join(', ')} MiB`)

  t.true(receiptVerifies(outcome, env, receiverKey))
  t.is(sinks.length, 1)
  t.is(sinks[0]?.received, size)
  t.true(sinks[0]?.ended)
  t.true(sinks[0]?.digest !== undefined && sameBytes(sinks[0].digest, hash))
  t.is(handled.length, 1)
  t.is(handled[0]?.envelope.payload, null)
  t.is(handled[0]?.payloadSink, sinks[0])
  t.is(samples.length, 3)
  t.true(growth < 10 * MiB, `held memory grew by ${growth} bytes`)
  t.true(channel.peakInFlightBytes <= windowBytes, 'payload bytes are acknowledged as the sink takes them')
  await channel.close()
})

test('a payload longer than declared, or over maxEnvelopeBytes, is refused and the stream reset; a new channel works', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const events: DeliveryServerEvent[] = []
  const sinks: HashingSink[] = []
  await serve(t, receiver, {
    maxEnvelopeBytes: MiB,
    openPayload: () => {
      const sink = new HashingSink()
      sinks.push(sink)
      return sink
    },
    handle: verifyingHandler(receiverKey, senderKey),
    onEvent: (event) => { events.push(event) }
  })

  // Declared 1000 bytes, sent 300 000: refused at the first byte past the declared length.
  const declared = 1000
  const liar = createEnvelope(INIT, senderKey, { hash: await digestOf(payloadChunks(declared, 1000, 7)), length: declared })
  // Declared 2 MiB, above the receiver's 1 MiB limit: refused from the header, nothing drained.
  const big = createEnvelope(INIT, senderKey, { hash: new Uint8Array(32), length: 2 * MiB })

  for (const [env, payload, code] of [
    [liar, payloadChunks(300_000, 100_000, 7), DeliveryErrorCode.PAYLOAD_OVERRUN],
    [big, payloadChunks(2 * MiB, 256 * 1024, 8), 'envelope-too-large']
  ] as const) {
    const channel = await openDeliveryChannel(sender, addressOf(receiver))
    const first = inlineEnvelope(senderKey, 100, 1)
    const before = channel.send({ envelopeBytes: encodeEnvelope(first) })
    const culprit = channel.send({ envelopeBytes: encodeEnvelope(env, { detachPayload: true }), payload })
    const after = Array.from({ length: 3 }, async (_, i) => await rejection(channel.send({ envelopeBytes: encodeEnvelope(inlineEnvelope(senderKey, 100, i)) })))

    // What arrived whole before the culprit is answered; the culprit is refused; the rest fail typed.
    t.true(receiptVerifies(await within(before, 10_000, 'first answer'), first, receiverKey))
    t.deepEqual(await within(culprit, 10_000, 'culprit answer'), { status: 'refused', code })
    const failures = await within(Promise.all(after), 10_000, 'pending failures')
    t.deepEqual(failures.map(f => f?.code), Array(3).fill(DeliveryErrorCode.STREAM_FAILED))
    t.is(failures[0]?.meta.remoteCode, code)
    t.is((await channel.whenClosed())?.code, DeliveryErrorCode.STREAM_FAILED)
    t.is(channel.status, 'failed')
  }
  t.deepEqual(events.filter(e => e.type === 'stream-error').map(e => e.type === 'stream-error' && e.code), [DeliveryErrorCode.PAYLOAD_OVERRUN, 'envelope-too-large'])
  t.is(sinks.length, 1)
  t.truthy(sinks[0]?.aborted)
  t.false(sinks[0]?.ended)

  // A new channel on the same connection works.
  const fresh = await openDeliveryChannel(sender, addressOf(receiver))
  const env = inlineEnvelope(senderKey, 500, 9)
  t.true(receiptVerifies(await within(fresh.send({ envelopeBytes: encodeEnvelope(env) }), 10_000, 'fresh channel'), env, receiverKey))
  await fresh.close()
})

test('a detached payload refused by policy stops early and the stream goes on', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const opened: DecodedEnvelope[] = []
  await serve(t, receiver, {
    openPayload: (envelope) => {
      opened.push(envelope)
      if (envelope.header.payloadLength > 100) throw new LienthongError('node-unknown-sender', 'not in the registry')
      return new HashingSink()
    },
    handle: verifyingHandler(receiverKey, senderKey)
  })
  const size = 64 * MiB
  const env = createEnvelope(INIT, senderKey, { hash: new Uint8Array(32), length: size })
  let yielded = 0
  async function * counted (): AsyncGenerator<Uint8Array> {
    for await (const chunk of payloadChunks(size, 256 * 1024, 3)) {
      yielded += chunk.length
      yield chunk
    }
  }
  const channel = await openDeliveryChannel(sender, addressOf(receiver))
  const refused = channel.send({ envelopeBytes: encodeEnvelope(env, { detachPayload: true }), payload: counted() })
  const next = inlineEnvelope(senderKey, 100, 5)
  const receipted = channel.send({ envelopeBytes: encodeEnvelope(next) })
  t.deepEqual(await within(refused, 20_000, 'refusal'), { status: 'refused', code: 'node-unknown-sender' })
  t.true(receiptVerifies(await within(receipted, 20_000, 'next receipt'), next, receiverKey))
  t.is(opened.length, 1)
  t.true(yielded < size, `the sender stopped after ${yielded} of ${size} bytes`)

  // A payload source that throws: the payload ends short (refused by the receiver), that send
  // rejects with the source's failure, the stream lives on.
  async function * broken (): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(10)
    await Promise.reject(new Error('disk read failed'))
  }
  const small = createEnvelope(INIT, senderKey, { hash: new Uint8Array(32), length: 100 })
  t.is((await rejection(channel.send({ envelopeBytes: encodeEnvelope(small, { detachPayload: true }), payload: broken() })))?.code, DeliveryErrorCode.PAYLOAD_SOURCE_FAILED)
  t.true(receiptVerifies(await channel.send({ envelopeBytes: encodeEnvelope(next) }), next, receiverKey))
  await channel.close()
})
