import { lpStream, messageStreamToDuplex } from '@libp2p/utils'
import test from 'ava'
import * as lp from 'it-length-prefixed'
import { pipe } from 'it-pipe'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { createHost, ProtocolErrorCode, request, serveRequests } from '@lienthong/protocol'
import { addressOf, allowList, bytesOf, codeOf, connectionClosed, connectionEvent, sameBytes, startHost } from './helpers.js'

const ECHO = '/lienthong-test/echo/1.0.0'
const LP_ECHO = '/lienthong-test/lp-echo/1.0.0'
const MiB = 1024 * 1024

test('two hosts exchange framed messages over tcp + noise + yamux (lpStream, request, it-pipe)', async t => {
  t.is(typeof Promise.withResolvers, 'function')
  const a = await startHost(t)
  const b = await startHost(t)

  // lpStream on both ends, several round trips on one stream, one frame of 1 MiB.
  await b.handle(ECHO, (stream) => {
    const frames = lpStream(stream, { maxDataLength: 2 * MiB, maxBufferSize: 4 * MiB })
    void (async () => {
      for (;;) {
        let frame
        try {
          frame = await frames.read()
        } catch (err) {
          // The client closed its write side after its last frame: close ours too.
          if (err instanceof Error && err.name === 'UnexpectedEOFError') await stream.close()
          else stream.abort(err instanceof Error ? err : new Error(String(err)))
          return
        }
        await frames.write(frame)
      }
    })().catch((err: unknown) => { stream.abort(err instanceof Error ? err : new Error(String(err))) })
  })
  const stream = await a.dialProtocol(addressOf(b), ECHO)
  const frames = lpStream(stream, { maxDataLength: 2 * MiB, maxBufferSize: 4 * MiB })
  for (const message of [bytesOf(1, 1), bytesOf(100, 2), bytesOf(MiB, 3), bytesOf(4096, 4)]) {
    await frames.write(message)
    t.true(sameBytes((await frames.read()).subarray(), message), `round trip of ${message.length} bytes`)
  }
  await stream.close()

  // The same through request / serveRequests (one stream per request).
  await serveRequests(b, LP_ECHO, (bytes) => bytes)
  for (const message of [bytesOf(10, 5), bytesOf(MiB, 6), bytesOf(3, 7)]) {
    t.true(sameBytes(await request(a, addressOf(b), LP_ECHO, message), message), `request of ${message.length} bytes`)
  }

  // it-pipe + it-length-prefixed through the legacy duplex adapter.
  const PIPE_ECHO = '/lienthong-test/pipe-echo/1.0.0'
  await b.handle(PIPE_ECHO, (s) => {
    const duplex = messageStreamToDuplex(s)
    pipe(duplex.source, src => lp.decode(src), src => lp.encode(src), duplex.sink)
      .catch((err: unknown) => { s.abort(err instanceof Error ? err : new Error(String(err))) })
  })
  const texts = ['a', 'bb', 'ccc', 'x'.repeat(70_000)]
  const messages = texts.map(m => new Uint8Array(Buffer.from(m)))
  const duplex = messageStreamToDuplex(await a.dialProtocol(b.peerId, PIPE_ECHO))
  const echoed = await pipe(messages, src => lp.encode(src), duplex, src => lp.decode(src), async src => {
    const out = []
    for await (const m of src) out.push(Buffer.from(m.subarray()).toString())
    return out
  })
  t.true(echoed.length === texts.length && echoed.every((m, i) => m === texts[i]))
})

test('the PeerId the handler sees is the one derived from the dialer NodeKey', async t => {
  const key = generateNodeKey()
  const a = await startHost(t, { key })
  const b = await startHost(t)
  const seen: string[] = []
  await serveRequests(b, ECHO, (bytes, remotePeerId) => {
    seen.push(remotePeerId)
    return bytes
  })
  await request(a, addressOf(b), ECHO, bytesOf(8))
  t.deepEqual(seen, [peerIdFromPublicKeyBytes(key.publicKey)])
  t.is(a.peerId, peerIdFromPublicKeyBytes(key.publicKey))
})

test('a peer the gate refuses cannot reach the host, and the host cannot dial it', async t => {
  const a = await startHost(t)
  const c = await startHost(t)
  const gate = allowList(c.peerId)
  const b = await startHost(t, { gate })
  await serveRequests(b, ECHO, (bytes) => bytes)
  await serveRequests(a, ECHO, (bytes) => bytes)

  t.is(await codeOf(t, request(a, addressOf(b), ECHO, bytesOf(8))), ProtocolErrorCode.DIAL_FAILED)
  t.false(b.connectedPeers().includes(a.peerId))
  t.is(await codeOf(t, request(b, addressOf(a), ECHO, bytesOf(8))), ProtocolErrorCode.DIAL_REFUSED)
  t.is(await codeOf(t, b.dial(a.peerId)), ProtocolErrorCode.DIAL_REFUSED)
  // Dialled by address alone, the PeerId is learnt in Noise and refused there.
  const bare = addressOf(a).replace(/\/p2p\/.*$/, '')
  t.is(await codeOf(t, b.dial(bare)), ProtocolErrorCode.DIAL_REFUSED)
  t.deepEqual(b.connectedPeers(), [])
  // An allowed peer still gets through.
  t.deepEqual(await request(c, addressOf(b), ECHO, bytesOf(8)), bytesOf(8))
})

test('refreshGate cuts an open connection once the gate no longer allows its peer', async t => {
  const a = await startHost(t)
  const gate = allowList(a.peerId)
  const b = await startHost(t, { gate })
  await serveRequests(b, ECHO, (bytes) => bytes)
  t.deepEqual(await request(a, addressOf(b), ECHO, bytesOf(8)), bytesOf(8))
  t.deepEqual(b.connectedPeers(), [a.peerId])

  gate.allowed.delete(a.peerId)
  const closedOnA = connectionClosed(a, b.peerId)
  const closedOnB = connectionClosed(b, a.peerId)
  t.deepEqual(b.refreshGate(), [a.peerId])
  await Promise.all([closedOnA, closedOnB])
  t.deepEqual(b.connectedPeers(), [])
  t.is(await codeOf(t, request(a, addressOf(b), ECHO, bytesOf(8))), ProtocolErrorCode.DIAL_FAILED)
  t.deepEqual(b.refreshGate(), [])
})

test('a stream from a peer the gate dropped is cut before its handler runs, even before refreshGate', async t => {
  const a = await startHost(t)
  const gate = allowList(a.peerId)
  const b = await startHost(t, { gate })
  let calls = 0
  await serveRequests(b, ECHO, (bytes) => { calls++; return bytes })
  await request(a, addressOf(b), ECHO, bytesOf(8))
  gate.allowed.delete(a.peerId)
  const closed = connectionClosed(b, a.peerId)
  // Negotiation succeeds (the gater already passed this connection), then the stream is cut.
  t.is(await codeOf(t, request(a, addressOf(b), ECHO, bytesOf(8))), ProtocolErrorCode.STREAM_FAILED)
  await closed
  t.is(calls, 1)
})

test('closeConnectionsTo cuts every connection with that peer at once', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  // The dialer finishes Noise first: wait until the listener has the connection too.
  const opened = connectionEvent(a, 'connection:open', b.peerId)
  await b.dial(addressOf(a))
  await opened
  const closed = connectionClosed(a, b.peerId)
  t.is(a.closeConnectionsTo(b.peerId), 1)
  await closed
  t.deepEqual(a.connectedPeers(), [])
  t.is(a.closeConnectionsTo(b.peerId), 0)
})

test('inbound connections per IP and second: libp2p refuses a burst above 5 by default, a host may allow more', async t => {
  const burst = 24
  const clients = await Promise.all(Array.from({ length: burst }, async () => await startHost(t)))
  const dialAll = async (server: Awaited<ReturnType<typeof startHost>>): Promise<number> => {
    const results = await Promise.allSettled(clients.map(async c => await c.dial(addressOf(server))))
    return results.filter(r => r.status === 'fulfilled').length
  }
  const strict = await startHost(t)
  const strictOk = await dialAll(strict)
  t.true(strictOk < burst, `default limit: ${strictOk}/${burst} connected`)

  const key = generateNodeKey()
  const roomy = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'], inbound: { perHostPerSecond: 50, maxPending: 64 } })
  t.teardown(async () => { await roomy.stop() })
  t.is(await dialAll(roomy), burst)
  await t.throwsAsync(createHost({ key, listen: [], inbound: { perHostPerSecond: 0 } }), { instanceOf: TypeError })
})
