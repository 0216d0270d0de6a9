import test from 'ava'
import { StreamStateError } from '@libp2p/interface'
import { StreamState, YamuxStream } from '@libp2p/yamux/stream'
import '@lienthong/protocol'
import { addressOf, allowList, startHost } from './helpers.js'

const PROTO = '/lienthong-test/idle/1.0.0'

/** A logger of the shape libp2p streams expect, writing nowhere. */
function quietLog (): never {
  const log = Object.assign(() => {}, { enabled: false, error: () => {}, trace: () => {}, newScope: () => log })
  return log as never
}

/** A new outbound yamux stream whose muxer write fails with `error` (as a closed muxer's does). */
function streamWhoseMuxerThrows (error: Error): YamuxStream {
  return new YamuxStream({
    id: '1',
    streamId: 1,
    state: StreamState.Init,
    direction: 'outbound',
    log: quietLog(),
    getRTT: () => -1,
    sendFrame: () => { throw error }
  } as never)
}

// yamux 8.0.3 sends a new stream's first window update from a microtask (muxer.js
// onCreateStream). On a muxer that closed in between, the write throws StreamStateError outside
// any caller's reach: unguarded, the process exits (js-libp2p-yamux#91). Importing
// @lienthong/protocol installs the guard (src/yamux-guard.ts).
test('a window update on a closed muxer is dropped, other errors still surface', t => {
  t.notThrows(() => { streamWhoseMuxerThrows(new StreamStateError('Cannot write to a stream that is closed')).sendWindowUpdate() })
  const other = new Error('something else')
  t.is(t.throws(() => { streamWhoseMuxerThrows(other).sendWindowUpdate() }), other)
})

test('streams opened on a connection while it closes fail without an uncaught exception', async t => {
  const gateA = allowList()
  const gateB = allowList()
  const a = await startHost(t, { gate: gateA })
  const b = await startHost(t, { gate: gateB })
  gateA.allowed.add(b.peerId)
  gateB.allowed.add(a.peerId)
  await b.handle(PROTO, (stream) => { void stream.close().catch(() => {}) })
  const uncaught: unknown[] = []
  const onUncaught = (err: unknown): void => { uncaught.push(err) }
  process.prependListener('uncaughtException', onUncaught)
  t.teardown(() => { process.removeListener('uncaughtException', onUncaught) })

  const schedules: Array<(fn: () => void) => void> = [
    fn => { fn() },
    fn => { queueMicrotask(fn) },
    fn => { process.nextTick(fn) },
    fn => { setImmediate(fn) }
  ]
  let refused = 0
  for (const schedule of schedules) {
    for (const how of ['abort', 'close'] as const) {
      const connection = await a.dial(addressOf(b))
      const attempts = Array.from({ length: 3 }, async () => await connection.newStream(PROTO).then(() => true, () => false))
      schedule(() => { if (how === 'abort') connection.abort(new Error('test abort')); else void connection.close().catch(() => {}) })
      refused += (await Promise.all(attempts)).filter(ok => !ok).length
      // libp2p limits inbound connections per host and second: pace the redials.
      await new Promise(resolve => setTimeout(resolve, 250))
    }
  }
  t.true(refused > 0, 'some streams were refused because their connection closed')
  await new Promise(resolve => setTimeout(resolve, 50))
  t.deepEqual(uncaught.map(String), [])
})
