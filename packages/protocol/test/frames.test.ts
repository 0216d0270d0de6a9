import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { isLienthongError, LienthongError } from '@lienthong/errors'
import { createHost, HEARTBEAT_PROTOCOL, ProtocolErrorCode, request, serveRequests } from '@lienthong/protocol'
import { addressOf, bytesOf, codeOf, sameBytes, startHost } from './helpers.js'

const ECHO = '/lienthong-test/echo/1.0.0'
const KiB = 1024
const MiB = 1024 * KiB

test('a frame above maxRequestBytes is refused with its code and the server keeps serving', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  let calls = 0
  await serveRequests(b, ECHO, (bytes) => { calls++; return bytes }, { maxRequestBytes: 64 * KiB })
  const at = addressOf(b)

  t.true(sameBytes(await request(a, at, ECHO, bytesOf(64 * KiB)), bytesOf(64 * KiB)), 'exactly at the limit')
  t.is(await codeOf(t, request(a, at, ECHO, bytesOf(64 * KiB + 1))), ProtocolErrorCode.FRAME_TOO_LARGE)
  // Far above the limit and its read-buffer headroom: still refused by its length prefix.
  const err = await t.throwsAsync(request(a, at, ECHO, bytesOf(3 * MiB)))
  t.true(isLienthongError(err, ProtocolErrorCode.FRAME_TOO_LARGE))
  t.is((err as LienthongError).meta.remote, true)
  // Other requests, in flight at the same time or after, are served as usual.
  const replies = await Promise.all([1, 2, 3].map(async i => await request(a, at, ECHO, bytesOf(100, i))))
  replies.forEach((reply, i) => { t.true(sameBytes(reply, bytesOf(100, i + 1))) })
  t.is(calls, 4)
})

test('a reply above maxResponseBytes fails with protocol-frame-too-large on the client', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  await serveRequests(b, ECHO, () => bytesOf(2 * KiB))
  t.is(await codeOf(t, request(a, addressOf(b), ECHO, bytesOf(1), { maxResponseBytes: KiB })), ProtocolErrorCode.FRAME_TOO_LARGE)
  t.is((await request(a, addressOf(b), ECHO, bytesOf(1), { maxResponseBytes: 2 * KiB })).length, 2 * KiB)
})

test('handler refusals reach the client as protocol-remote-error with the remote code', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  await serveRequests(b, ECHO, (bytes) => {
    if (bytes[0] === 1) throw new LienthongError('registry-stale', 'registry is stale', { secret: 'not sent' })
    if (bytes[0] === 2) throw new Error('boom with details that must stay local')
    return bytes
  })
  const stale = await t.throwsAsync(request(a, addressOf(b), ECHO, Uint8Array.of(1)))
  t.true(isLienthongError(stale, ProtocolErrorCode.REMOTE_ERROR))
  t.is((stale as LienthongError).meta.remoteCode, 'registry-stale')
  t.is((stale as LienthongError).meta.secret, undefined)
  const crashed = await t.throwsAsync(request(a, addressOf(b), ECHO, Uint8Array.of(2)))
  t.true(isLienthongError(crashed, ProtocolErrorCode.REMOTE_ERROR))
  t.is((crashed as LienthongError).meta.remoteCode, ProtocolErrorCode.HANDLER_FAILED)
  t.false((crashed as LienthongError).message.includes('boom'))
  t.deepEqual(await request(a, addressOf(b), ECHO, Uint8Array.of(3)), Uint8Array.of(3))
})

test('a silent server makes the request time out; the caller signal aborts it', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  const entered: Array<() => void> = []
  await serveRequests(b, ECHO, async (_bytes, _peer, signal) => {
    entered.shift()?.()
    // Never answers: waits for the server's own deadline.
    return await new Promise<Uint8Array>((_resolve, reject) => {
      signal.addEventListener('abort', () => { reject(new Error('server deadline')) }, { once: true })
    })
  }, { timeoutMs: 5000 })
  t.is(await codeOf(t, request(a, addressOf(b), ECHO, bytesOf(4), { timeoutMs: 300 })), ProtocolErrorCode.TIMEOUT)

  const controller = new AbortController()
  const inHandler = new Promise<void>(resolve => { entered.push(resolve) })
  const pending = request(a, addressOf(b), ECHO, bytesOf(4), { signal: controller.signal })
  await inHandler
  controller.abort()
  t.is(await codeOf(t, pending), ProtocolErrorCode.ABORTED)
})

test('dial failures are typed: unsupported protocol, nobody listening, no address', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  t.is(await codeOf(t, request(a, addressOf(b), HEARTBEAT_PROTOCOL, bytesOf(1))), ProtocolErrorCode.UNSUPPORTED)
  const gone = await createHost({ key: generateNodeKey(), listen: ['/ip4/127.0.0.1/tcp/0'] })
  const goneAddress = addressOf(gone)
  await gone.stop()
  await gone.stop()
  t.is(await codeOf(t, request(a, goneAddress, ECHO, bytesOf(1))), ProtocolErrorCode.DIAL_FAILED)
  // A PeerId with no known address and no connection.
  t.is(await codeOf(t, request(a, gone.peerId, ECHO, bytesOf(1))), ProtocolErrorCode.DIAL_FAILED)
})

test('a peer can be dialled by PeerId once its addresses are known', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  await serveRequests(b, ECHO, (bytes) => bytes)
  await a.addPeerAddresses(b.peerId, [addressOf(b).replace(/\/p2p\/.*$/, '')])
  t.deepEqual(await request(a, b.peerId, ECHO, bytesOf(5)), bytesOf(5))
})

test('createHost and request reject bad arguments and unusable listen addresses', async t => {
  await t.throwsAsync(createHost({ key: generateNodeKey(), listen: 'nope' as unknown as string[] }), { instanceOf: TypeError })
  t.is(await codeOf(t, createHost({ key: generateNodeKey(), listen: ['/ip4/127.0.0.1/tcp/notaport'] })), ProtocolErrorCode.HOST_START_FAILED)
  const a = await startHost(t)
  t.is(await codeOf(t, createHost({ key: generateNodeKey(), listen: [addressOf(a).replace(/\/p2p\/.*$/, '')] })), ProtocolErrorCode.HOST_START_FAILED)
  await t.throwsAsync(request(a, 'not-a-peer', ECHO, bytesOf(1)), { instanceOf: TypeError })
  await t.throwsAsync(request(a, a.peerId, ECHO, 'text' as unknown as Uint8Array), { instanceOf: TypeError })
  await t.throwsAsync(request(a, a.peerId, ECHO, bytesOf(1), { timeoutMs: 0 }), { instanceOf: RangeError })
  await t.throwsAsync(serveRequests(a, ECHO, b => b, { maxRequestBytes: -1 }), { instanceOf: RangeError })
})
