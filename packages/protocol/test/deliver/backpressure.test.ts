import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { encodeEnvelope } from '@lienthong/envelope'
import { DeliveryErrorCode, openDeliveryChannel, type DeliveryServerEvent, type IncomingEnvelope } from '../../src/deliver/index.js'
import { addressOf, startHost } from '../helpers.js'
import { gate, inlineEnvelope, receiptVerifies, rejection, serve, verifyingHandler, within } from './fixtures.js'

test('a slow handler pauses the receiver; the sender keeps within its window; all complete on release', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const slow = gate()
  t.teardown(slow.release)
  const paused = Promise.withResolvers<void>()
  const events: DeliveryServerEvent[] = []
  const handler = verifyingHandler(receiverKey, senderKey)
  await serve(t, receiver, {
    highWaterBytes: 64 * 1024,
    maxBatchEnvelopes: 16,
    handle: async (batch: IncomingEnvelope[]) => {
      await slow.promise
      return await handler(batch)
    },
    onEvent: (event) => {
      events.push(event)
      if (event.type === 'paused') paused.resolve()
    }
  })
  const windowBytes = 256 * 1024
  const windowFull = Promise.withResolvers<void>()
  const channel = await openDeliveryChannel(sender, addressOf(receiver), {
    windowBytes,
    onEvent: (event) => { if (event.type === 'window-full') windowFull.resolve() }
  })
  // 300 envelopes of about 4 KiB: 1.2 MiB, several times the window.
  const envelopes = Array.from({ length: 300 }, (_, i) => inlineEnvelope(senderKey, 4000, i))
  const sends = envelopes.map(async env => await channel.send({ envelopeBytes: encodeEnvelope(env) }))

  await within(Promise.all([paused.promise, windowFull.promise]), 10_000, 'receiver paused and sender window full')
  t.true(channel.inFlightBytes <= windowBytes, `in flight ${channel.inFlightBytes}`)
  t.true(channel.queued > 0, 'envelopes wait for the window')
  t.is(channel.pending + channel.queued, 300, 'nothing answered while the handler is stuck')

  slow.release()
  const outcomes = await within(Promise.all(sends), 20_000, 'all answers')
  t.true(outcomes.every((outcome, i) => envelopes[i] !== undefined && receiptVerifies(outcome, envelopes[i], receiverKey)))
  t.true(channel.peakInFlightBytes <= windowBytes, `peak in flight ${channel.peakInFlightBytes}`)
  t.true(events.some(e => e.type === 'resumed'))
  t.log(`peak in flight ${channel.peakInFlightBytes} B, ${events.filter(e => e.type === 'paused').length} pause(s), ${events.filter(e => e.type === 'batch').length} batches`)
  await channel.close()
})

test('the remote dies mid-stream: every pending send rejects with delivery-stream-failed', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const stuck = gate()
  t.teardown(stuck.release)
  const called = Promise.withResolvers<void>()
  await serve(t, receiver, {
    handle: async (batch: IncomingEnvelope[]) => {
      called.resolve()
      await stuck.promise
      return batch.map(() => ({ status: 'refused', code: 'never-sent' }))
    }
  })
  const channel = await openDeliveryChannel(sender, addressOf(receiver))
  const sends = Array.from({ length: 50 }, async (_, i) => await rejection(channel.send({ envelopeBytes: encodeEnvelope(inlineEnvelope(senderKey, 2000, i)) })))
  await within(called.promise, 10_000, 'first batch handled')

  await receiver.stop()
  const results = await within(Promise.all(sends), 10_000, 'pending sends rejected')
  t.deepEqual(results.map(r => r?.code), Array(50).fill(DeliveryErrorCode.STREAM_FAILED))
  t.is((await channel.whenClosed())?.code, DeliveryErrorCode.STREAM_FAILED)
})
