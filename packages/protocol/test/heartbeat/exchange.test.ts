import test from 'ava'
import { LienthongError, type Logger } from '@lienthong/errors'
import { HEARTBEAT_PROTOCOL, ProtocolErrorCode, request, serveRequests } from '@lienthong/protocol'
import {
  HeartbeatErrorCode, sendHeartbeat, serveHeartbeats, startHeartbeats, type HeartbeatBody, type HeartbeatResult,
  type HeartbeatStatus
} from '../../src/heartbeat/index.js'
import { addressOf, codeOf, startHost } from '../helpers.js'

const STATUS: HeartbeatStatus = {
  version: '0.1.0-test',
  addresses: ['/ip4/127.0.0.1/tcp/4001'],
  registrySeq: 3,
  queues: { queued: 2, delivered: 10, failed: 1, inboxUnacked: 4 },
  counters: { sent: 11, received: 9, refused: 0 }
}

/** Resolves once `count` items have arrived; rejects after `timeoutMs`. */
function collector<T> (count: number, timeoutMs = 10_000): { push: (item: T) => void, done: Promise<T[]>, items: T[] } {
  const items: T[] = []
  const { promise, resolve, reject } = Promise.withResolvers<T[]>()
  const timer = setTimeout(() => { reject(new Error(`only ${items.length} of ${count} within ${timeoutMs} ms`)) }, timeoutMs)
  void promise.catch(() => {}).finally(() => { clearTimeout(timer) })
  return {
    items,
    done: promise,
    push: item => {
      items.push(item)
      if (items.length === count) resolve(items)
    }
  }
}

/** A logger that hands each debug message to `onDebug`. */
function debugLogger (onDebug: (context: object, message: string) => void): Logger {
  const logger: Logger = { debug: onDebug, info: () => {}, warn: () => {}, error: () => {}, child: () => logger }
  return logger
}

test('a node heartbeats to the coordinator over libp2p at the interval the registry sets', async t => {
  const coordinator = await startHost(t)
  const node = await startHost(t)
  const received = collector<{ body: HeartbeatBody, from: string }>(3)
  await serveHeartbeats(coordinator, (body, from) => {
    received.push({ body, from })
    return { serverTime: Date.now() + 60_000, registrySeq: 9 }
  })
  await node.addPeerAddresses(coordinator.peerId, [addressOf(coordinator)])
  let intervalReads = 0
  const replies = collector<HeartbeatResult>(3)
  let tick = 0
  const sender = startHeartbeats({
    host: node,
    coordinator: coordinator.peerId,
    intervalMs: () => { intervalReads++; return 100 },
    collect: () => ({ ...STATUS, counters: { ...STATUS.counters, sent: tick++ } }),
    onReply: r => { replies.push(r) }
  })
  t.teardown(async () => { await sender.stop() })
  const bodies = await received.done
  await replies.done
  await sender.stop()
  for (const [i, { body, from }] of bodies.entries()) {
    t.is(from, node.peerId, 'the handler sees the authenticated PeerId')
    t.deepEqual({ ...body, sentAt: 0, counters: STATUS.counters }, { ...STATUS, sentAt: 0 })
    const previous = bodies[i - 1]?.body
    // One collect() per heartbeat, in order (an early one may have timed out while connecting).
    if (previous !== undefined) t.true(body.sentAt >= previous.sentAt && body.counters.sent > previous.counters.sent)
  }
  t.true(intervalReads >= 3, 'the interval is read before every heartbeat')
  const first = replies.items[0]!
  t.is(first.reply.registrySeq, 9)
  // The coordinator's clock runs a minute ahead in this test: the estimate says so, give or take
  // half the round trip (the uncertainty of a one-sample estimate).
  for (const r of replies.items) {
    t.true(Math.abs(r.clockSkewMs - 60_000) <= r.roundTripMs / 2 + 1, `skew ${r.clockSkewMs}, rtt ${r.roundTripMs}`)
  }
  t.true(sender.stats.sent >= 3)
  t.is(sender.stats.lastError, null)
})

test('failed heartbeats are retried at the next tick until the coordinator answers', async t => {
  const coordinator = await startHost(t)
  const node = await startHost(t)
  // Only the refusals by the coordinator count: a first attempt may time out while connecting.
  const failures = collector<string>(2)
  const codes: string[] = []
  const sender = startHeartbeats({
    host: node,
    coordinator: addressOf(coordinator),
    intervalMs: () => 100,
    collect: () => STATUS,
    logger: debugLogger((context, message) => {
      if (message !== 'heartbeat failed') return
      const { code } = context as { code: string }
      codes.push(code)
      if (code === ProtocolErrorCode.UNSUPPORTED) failures.push(code)
    })
  })
  t.teardown(async () => { await sender.stop() })
  // Nothing serves the protocol yet: the coordinator says so, the node logs and tries again.
  await failures.done
  t.true(codes.every(c => c === ProtocolErrorCode.UNSUPPORTED || c === ProtocolErrorCode.TIMEOUT), codes.join())
  t.true(sender.stats.failed >= 2)
  const received = collector<HeartbeatBody>(1)
  await serveHeartbeats(coordinator, body => { received.push(body); return { serverTime: Date.now(), registrySeq: 0 } })
  const [body] = await received.done
  t.is(body?.version, STATUS.version)
  await sender.stop()
  const sentBefore = sender.stats.sent + sender.stats.failed
  await sender.stop()
  t.is(sender.stats.sent + sender.stats.failed, sentBefore, 'stop() is idempotent and nothing more is sent')
})

test('malformed heartbeats are refused with heartbeat-bad-message; handler refusals reach the node', async t => {
  const coordinator = await startHost(t)
  const node = await startHost(t)
  let handled = 0
  await serveHeartbeats(coordinator, (body) => {
    handled++
    if (body.version === 'unknown') throw new LienthongError('monitor-unknown-node', 'not in the registry')
    return { serverTime: Date.now(), registrySeq: 1 }
  })
  const target = addressOf(coordinator)
  for (const bytes of [new Uint8Array([0xff, 0x00]), new Uint8Array([0xa0]), new TextEncoder().encode('hello')]) {
    const err = await t.throwsAsync(request(node, target, HEARTBEAT_PROTOCOL, bytes))
    t.true(err instanceof LienthongError && err.code === ProtocolErrorCode.REMOTE_ERROR)
    t.is((err as LienthongError).meta.remoteCode, HeartbeatErrorCode.BAD_MESSAGE)
  }
  t.is(handled, 0, 'the handler never sees a malformed heartbeat')
  const refusal = await t.throwsAsync(sendHeartbeat(node, target, { ...STATUS, version: 'unknown', sentAt: Date.now() }))
  t.is((refusal as LienthongError).meta.remoteCode, 'monitor-unknown-node')
  const reply = await sendHeartbeat(node, target, { ...STATUS, sentAt: Date.now() })
  t.is(reply.registrySeq, 1)
  t.is(handled, 2)
  // A reply that is not a heartbeat reply is the node's own typed error.
  await coordinator.unhandle(HEARTBEAT_PROTOCOL)
  await serveRequests(coordinator, HEARTBEAT_PROTOCOL, () => new Uint8Array([1, 2, 3]))
  t.is(await codeOf(t, sendHeartbeat(node, target, { ...STATUS, sentAt: Date.now() })), HeartbeatErrorCode.BAD_MESSAGE)
})
