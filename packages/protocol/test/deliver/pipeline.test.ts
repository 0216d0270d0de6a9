import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { encodeEnvelope } from '@lienthong/envelope'
import { DELIVER_PROTOCOL } from '@lienthong/protocol'
import { DeliveryErrorCode, openDeliveryChannel, type DeliveryOutcome, type IncomingEnvelope } from '../../src/deliver/index.js'
import { addressOf, startHost } from '../helpers.js'
import { forged, gate, inlineEnvelope, receiptVerifies, rejection, serve, verifyingHandler, within } from './fixtures.js'

test('500 envelopes pipelined on one channel each get a receipt that verifies', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const batches: number[] = []
  const handler = verifyingHandler(receiverKey, senderKey)
  await serve(t, receiver, {
    handle: async (batch: IncomingEnvelope[]) => {
      batches.push(batch.length)
      return await handler(batch)
    }
  })
  const envelopes = Array.from({ length: 500 }, (_, i) => inlineEnvelope(senderKey, 1024, i))
  const channel = await openDeliveryChannel(sender, addressOf(receiver))
  t.is(channel.remotePeerId, receiver.peerId)

  const started = performance.now()
  const outcomes = await within(Promise.all(envelopes.map(async env => await channel.send({ envelopeBytes: encodeEnvelope(env) }))), 20_000, '500 receipts')
  const seconds = (performance.now() - started) / 1000
  t.log(`500 x 1 KiB envelopes: ${Math.round(500 / seconds)} env/s, ${batches.length} handle() calls, ${channel.peakInFlightBytes} peak bytes in flight`)

  t.is(outcomes.length, 500)
  t.true(outcomes.every((outcome, i) => envelopes[i] !== undefined && receiptVerifies(outcome, envelopes[i], receiverKey)))
  t.is(batches.reduce((a, b) => a + b, 0), 500)
  t.is(channel.pending, 0)
  t.is(channel.inFlightBytes, 0)
  await within(channel.close(), 5000, 'close')
  t.is(channel.status, 'closed')
  t.is(await channel.whenClosed(), undefined)
  await t.throwsAsync(channel.send({ envelopeBytes: encodeEnvelope(envelopes[0]!) }), { code: DeliveryErrorCode.CHANNEL_CLOSED })
})

test('a forged envelope in a pipeline is refused and the others are receipted, in order', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  await serve(t, receiver, { handle: verifyingHandler(receiverKey, senderKey) })
  const envelopes = Array.from({ length: 41 }, (_, i) => inlineEnvelope(senderKey, 200, i))
  const wire = envelopes.map((env, i) => encodeEnvelope(i === 20 ? forged(env) : env))
  const channel = await openDeliveryChannel(sender, addressOf(receiver))

  const settledOrder: number[] = []
  const outcomes = await within(Promise.all(wire.map(async (envelopeBytes, i) => {
    const outcome = await channel.send({ envelopeBytes })
    settledOrder.push(i)
    return outcome
  })), 10_000, 'answers')

  t.deepEqual(outcomes[20], { status: 'refused', code: 'envelope-bad-signature' })
  outcomes.forEach((outcome: DeliveryOutcome, i) => {
    if (i !== 20) t.true(envelopes[i] !== undefined && receiptVerifies(outcome, envelopes[i], receiverKey), `receipt ${i}`)
  })
  t.deepEqual(settledOrder, wire.map((_, i) => i))
  // The stream lives on after a refusal.
  t.true(receiptVerifies(await channel.send({ envelopeBytes: encodeEnvelope(envelopes[0]!) }), envelopes[0]!, receiverKey))
  await channel.close()
})

test('a receiver that never answers is timed out: every pending send rejects', async t => {
  const senderKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t)
  // A peer that takes the bytes and says nothing.
  await receiver.handle(DELIVER_PROTOCOL, (stream) => {
    stream.addEventListener('message', () => {})
  })
  const channel = await openDeliveryChannel(sender, addressOf(receiver), { idleTimeoutMs: 300 })
  const sends = Array.from({ length: 5 }, async (_, i) => await rejection(channel.send({ envelopeBytes: encodeEnvelope(inlineEnvelope(senderKey, 100, i)) })))
  const results = await within(Promise.all(sends), 10_000, 'timeouts')
  t.deepEqual(results.map(r => r?.code), Array(5).fill(DeliveryErrorCode.TIMEOUT))
  t.is(channel.status, 'failed')
  t.is((await channel.whenClosed())?.code, DeliveryErrorCode.TIMEOUT)
  t.is((await rejection(channel.send({ envelopeBytes: encodeEnvelope(inlineEnvelope(senderKey, 1)) })))?.code, DeliveryErrorCode.CHANNEL_CLOSED)
})

test('send() checks its argument; close() waits for the outstanding answers', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  await serve(t, receiver, { handle: verifyingHandler(receiverKey, senderKey) })
  const channel = await openDeliveryChannel(sender, addressOf(receiver))
  const env = inlineEnvelope(senderKey, 10)
  await t.throwsAsync(channel.send({ envelopeBytes: new Uint8Array([1, 2, 3]) }), { instanceOf: TypeError })
  await t.throwsAsync(channel.send({ envelopeBytes: encodeEnvelope(env), payload: new Uint8Array(10) }), { instanceOf: TypeError })
  await t.throwsAsync(channel.send({ envelopeBytes: encodeEnvelope(env, { detachPayload: true }) }), { instanceOf: TypeError })

  const sends = Array.from({ length: 20 }, async (_, i) => await channel.send({ envelopeBytes: encodeEnvelope(inlineEnvelope(senderKey, 100, i)) }))
  await within(channel.close(), 5000, 'close')
  const outcomes = await Promise.all(sends)
  t.true(outcomes.every(o => o.status === 'receipted'))
  t.is(channel.status, 'closed')
})

test('with maxPendingBatches 2 the next batch is handled while one is held, at most 2 at once, answers in order', async t => {
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const sender = await startHost(t, { key: senderKey })
  const receiver = await startHost(t, { key: receiverKey })
  const handler = verifyingHandler(receiverKey, senderKey)
  const held = gate()
  const calls: Array<() => void> = []
  const called = (n: number): Promise<void> => new Promise(resolve => { calls[n] = resolve })
  const first = called(0)
  const second = called(1)
  let active = 0
  let mostActive = 0
  let count = 0
  await serve(t, receiver, {
    maxPendingBatches: 2,
    handle: async (batch: IncomingEnvelope[]) => {
      const n = count++
      active++
      mostActive = Math.max(mostActive, active)
      calls[n]?.()
      if (n === 0) await held.promise
      try {
        return await handler(batch)
      } finally {
        active--
      }
    }
  })
  const envelopes = Array.from({ length: 10 }, (_, i) => inlineEnvelope(senderKey, 300, i))
  const channel = await openDeliveryChannel(sender, addressOf(receiver))
  const order: number[] = []
  const send = async (i: number): Promise<DeliveryOutcome> => {
    const outcome = await channel.send({ envelopeBytes: encodeEnvelope(envelopes[i]!) })
    order.push(i)
    return outcome
  }
  const head = send(0)
  await within(first, 5000, 'first handle()')
  const rest = envelopes.slice(1).map(async (_, i) => await send(i + 1))
  // The first batch is still held: the next one is handled anyway.
  await within(second, 5000, 'second handle() while the first is held')
  t.deepEqual(order, [])
  held.release()
  const outcomes = await within(Promise.all([head, ...rest]), 10_000, 'answers')
  t.true(outcomes.every((outcome, i) => receiptVerifies(outcome, envelopes[i]!, receiverKey)))
  t.deepEqual(order, envelopes.map((_, i) => i))
  t.true(mostActive <= 2)
  await within(channel.close(), 5000, 'close')
})
