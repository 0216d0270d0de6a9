import test from 'ava'
import { encode } from 'cborg'
import fc from 'fast-check'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { isLienthongError, type LienthongError } from '@lienthong/errors'
import { DELIVER_PROTOCOL, ProtocolErrorCode, request, serveRequests } from '@lienthong/protocol'
import {
  decodeInfoReply, decodeInfoRequest, encodeInfoReply, encodeInfoRequest, fetchInfo, INFO_MAX_PROTOCOLS, INFO_PROTOCOL,
  InfoErrorCode, serveInfo, type InfoReply
} from '../../src/info/index.js'
import { addressOf, codeOf, startHost } from '../helpers.js'

const CLOCK = 1_700_000_000_000

function syncCodeOf (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return isLienthongError(err) ? err.code : `not a LienthongError: ${String(err)}`
  }
  return 'nothing thrown'
}

test('fetchInfo gets the PeerId, software, served protocols and clock of a node', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  await b.handle(DELIVER_PROTOCOL, (stream) => { stream.abort(new Error('stub')) })
  await serveInfo(b, { software: 'lienthong-node/9.9.9', now: () => CLOCK + 0.7 })
  const info = await fetchInfo(a, addressOf(b), { timeoutMs: 5000 })
  t.is(info.peerId, b.peerId)
  t.is(info.software, 'lienthong-node/9.9.9')
  t.is(info.time, CLOCK)
  t.true(info.protocols.includes(INFO_PROTOCOL))
  t.true(info.protocols.includes(DELIVER_PROTOCOL))
  t.deepEqual(info.protocols, [...info.protocols].sort())

  // A protocol registered later is listed too; by PeerId over the open connection.
  const LATE = '/lienthong-test/late/1.0.0'
  await b.handle(LATE, (stream) => { stream.abort(new Error('stub')) })
  t.true((await fetchInfo(a, b.peerId)).protocols.includes(LATE))
  await b.unhandle(DELIVER_PROTOCOL)
  t.false((await fetchInfo(a, b.peerId)).protocols.includes(DELIVER_PROTOCOL))
})

test('a node that does not serve info gives protocol-unsupported; a malformed request is refused', async t => {
  const a = await startHost(t)
  const b = await startHost(t)
  t.is(await codeOf(t, fetchInfo(a, addressOf(b), { timeoutMs: 5000 })), ProtocolErrorCode.UNSUPPORTED)
  await serveInfo(b, { software: 'x' })
  for (const body of [new Uint8Array([0xff]), encode({ type: 'other' }), encode({ type: 'info', more: 1 }), new Uint8Array(0)]) {
    const err = await t.throwsAsync(request(a, addressOf(b), INFO_PROTOCOL, body, { timeoutMs: 5000 }))
    t.true(isLienthongError(err, ProtocolErrorCode.REMOTE_ERROR))
    t.is((err as LienthongError).meta.remoteCode, InfoErrorCode.BAD_MESSAGE)
  }
})

test('a malformed reply is info-bad-message, a reply naming another PeerId is info-peer-mismatch', async t => {
  const a = await startHost(t)
  const liar = await startHost(t)
  const other = peerIdFromPublicKeyBytes(generateNodeKey().publicKey)
  let reply: Uint8Array = new Uint8Array([1, 2, 3])
  await serveRequests(liar, INFO_PROTOCOL, () => reply)
  t.is(await codeOf(t, fetchInfo(a, addressOf(liar))), InfoErrorCode.BAD_MESSAGE)
  reply = encodeInfoReply({ peerId: other, software: 's', protocols: [INFO_PROTOCOL], time: CLOCK })
  t.is(await codeOf(t, fetchInfo(a, addressOf(liar))), InfoErrorCode.PEER_MISMATCH)
})

test('serveInfo and fetchInfo refuse programmer mistakes with TypeError/RangeError', async t => {
  const a = await startHost(t)
  await t.throwsAsync(serveInfo(a, { software: '' }), { instanceOf: TypeError })
  await t.throwsAsync(serveInfo(a, { software: 'a\nb' }), { instanceOf: TypeError })
  await t.throwsAsync(fetchInfo(a, 'not a peer'), { instanceOf: TypeError })
  await t.throwsAsync(fetchInfo(a, a.peerId, { timeoutMs: 0 }), { instanceOf: RangeError })
})

const protocolId = fc.stringMatching(/^\/[a-z0-9/._-]{0,40}$/)
const reply: fc.Arbitrary<InfoReply> = fc.record({
  peerId: fc.constant(peerIdFromPublicKeyBytes(generateNodeKey().publicKey)),
  software: fc.stringMatching(/^[ -~]{1,128}$/),
  protocols: fc.uniqueArray(protocolId, { maxLength: INFO_MAX_PROTOCOLS }).map(list => [...list].sort()),
  time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
})

test('messages round-trip and decoding is strict', t => {
  t.deepEqual(decodeInfoRequest(encodeInfoRequest()), { type: 'info' })
  fc.assert(fc.property(reply, r => { t.deepEqual(decodeInfoReply(encodeInfoReply(r)), r) }), { numRuns: 200 })
  const valid = { peerId: peerIdFromPublicKeyBytes(generateNodeKey().publicKey), software: 's', protocols: ['/a', '/b'], time: 5 }
  const cases: unknown[] = [
    null, [], 'x', { ...valid, extra: 1 }, { ...valid, time: -1 }, { ...valid, time: 1.5 }, { ...valid, software: '' },
    { ...valid, software: 'a\u0000' }, { ...valid, protocols: ['/b', '/a'] }, { ...valid, protocols: ['/a', '/a'] },
    { ...valid, protocols: ['a'] }, { ...valid, protocols: '/a' }, { ...valid, peerId: 'O0Il' }, { ...valid, peerId: 7 },
    { peerId: valid.peerId, software: 's', protocols: [] }
  ]
  for (const value of cases) t.is(syncCodeOf(() => decodeInfoReply(encode(value))), InfoErrorCode.BAD_MESSAGE, JSON.stringify(value))
  // Not canonical: a 64-bit integer where a small one belongs (canonical order puts `time` first).
  const canonical = encodeInfoReply(valid)
  t.deepEqual([...canonical.subarray(0, 7)], [0xa4, 0x64, ...Buffer.from('time'), 5])
  const wide = Uint8Array.from([...canonical.subarray(0, 6), 0x1b, 0, 0, 0, 0, 0, 0, 0, 5, ...canonical.subarray(7)])
  t.is(syncCodeOf(() => decodeInfoReply(wide)), InfoErrorCode.BAD_MESSAGE)
  t.is(syncCodeOf(() => decodeInfoReply(new Uint8Array(40_000))), InfoErrorCode.BAD_MESSAGE)
})

test('arbitrary bytes only ever give info-bad-message', t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), bytes => {
    t.is(syncCodeOf(() => decodeInfoReply(bytes)), InfoErrorCode.BAD_MESSAGE)
    t.is(syncCodeOf(() => decodeInfoRequest(bytes)), InfoErrorCode.BAD_MESSAGE)
  }), { numRuns: 500 })
  fc.assert(fc.property(reply, fc.nat(), fc.integer({ min: 1, max: 255 }), (r, at, flip) => {
    const bytes = encodeInfoReply(r)
    const i = at % bytes.length
    bytes[i] = (bytes[i] ?? 0) ^ flip
    try {
      decodeInfoReply(bytes)
    } catch (err) {
      t.true(isLienthongError(err, InfoErrorCode.BAD_MESSAGE))
    }
  }), { numRuns: 300 })
})
