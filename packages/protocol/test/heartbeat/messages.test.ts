import test from 'ava'
import { encode } from 'cborg'
import fc from 'fast-check'
import { isLienthongError } from '@lienthong/errors'
import {
  decodeHeartbeat, decodeHeartbeatReply, encodeHeartbeat, encodeHeartbeatReply, HEARTBEAT_MAX_ADDRESSES,
  HeartbeatErrorCode, MAX_HEARTBEAT_BYTES, type HeartbeatBody
} from '../../src/heartbeat/index.js'
import { codeThrown } from '../helpers.js'

const BAD = HeartbeatErrorCode.BAD_MESSAGE


const count = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
const address = fc.stringMatching(/^\/[a-z0-9/.]{1,60}$/)
const body: fc.Arbitrary<HeartbeatBody> = fc.record({
  version: fc.stringMatching(/^[\x21-\x7e]{1,64}$/),
  sentAt: count,
  addresses: fc.array(address, { maxLength: HEARTBEAT_MAX_ADDRESSES }),
  registrySeq: fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
  queues: fc.record({ queued: count, delivered: count, failed: count, inboxUnacked: count }, { noNullPrototype: true }),
  counters: fc.record({ sent: count, received: count, refused: count }, { noNullPrototype: true })
}, { noNullPrototype: true })

const sample: HeartbeatBody = {
  version: '0.1.0',
  sentAt: 1_750_000_000_000,
  addresses: ['/ip4/127.0.0.1/tcp/4001'],
  registrySeq: 7,
  queues: { queued: 1, delivered: 2, failed: 0, inboxUnacked: 3 },
  counters: { sent: 4, received: 5, refused: 6 }
}

test('heartbeats and replies round-trip, and the encoding is deterministic', t => {
  fc.assert(fc.property(body, b => {
    const bytes = encodeHeartbeat(b)
    t.deepEqual(decodeHeartbeat(bytes), b)
    // Same value, fields in another order: the same bytes.
    const shuffled = { counters: b.counters, queues: b.queues, registrySeq: b.registrySeq, addresses: b.addresses, sentAt: b.sentAt, version: b.version }
    t.true(Buffer.from(encodeHeartbeat(shuffled)).equals(Buffer.from(bytes)))
  }), { numRuns: 150 })
  fc.assert(fc.property(count, fc.integer({ min: -1, max: 1e12 }), (serverTime, registrySeq) => {
    t.deepEqual(decodeHeartbeatReply(encodeHeartbeatReply({ serverTime, registrySeq })), { serverTime, registrySeq })
  }), { numRuns: 100 })
})

test('decoding is strict: every malformed heartbeat is heartbeat-bad-message', t => {
  const cases: unknown[] = [
    null, [], 'hb', 7,
    { ...sample, extra: 1 },
    { ...sample, version: '' }, { ...sample, version: 'with space' }, { ...sample, version: 'v'.repeat(65) }, { ...sample, version: 1 },
    { ...sample, sentAt: -1 }, { ...sample, sentAt: 1.5 }, { ...sample, sentAt: '1' },
    { ...sample, addresses: 'x' }, { ...sample, addresses: ['ip4/1.2.3.4'] }, { ...sample, addresses: ['/a b'] },
    { ...sample, addresses: ['/' + 'a'.repeat(512)] }, { ...sample, addresses: [1] },
    { ...sample, addresses: Array.from({ length: HEARTBEAT_MAX_ADDRESSES + 1 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) },
    { ...sample, registrySeq: -2 },
    { ...sample, queues: { queued: 1, delivered: 2, failed: 0 } },
    { ...sample, queues: { ...sample.queues, more: 1 } },
    { ...sample, queues: { ...sample.queues, failed: -1 } },
    { ...sample, counters: [1, 2, 3] },
    { ...sample, counters: { ...sample.counters, refused: 0.1 } }
  ]
  for (const c of cases) t.is(codeThrown(() => decodeHeartbeat(encode(c))), BAD, JSON.stringify(c))
  const { counters: _counters, ...missing } = sample
  t.is(codeThrown(() => decodeHeartbeat(encode(missing))), BAD, 'missing field')
  t.is(codeThrown(() => decodeHeartbeat(new Uint8Array([0xff]))), BAD, 'not CBOR')
  t.is(codeThrown(() => decodeHeartbeat(new Uint8Array([0xa1, 0x01, 0x02]))), BAD, 'non-string key')
  t.is(codeThrown(() => decodeHeartbeat(new Uint8Array(MAX_HEARTBEAT_BYTES + 1))), BAD, 'oversized')
  t.is(codeThrown(() => decodeHeartbeatReply(encode({ serverTime: 1, registrySeq: 1, x: 1 }))), BAD)
  t.is(codeThrown(() => decodeHeartbeatReply(encode({ serverTime: -5, registrySeq: 1 }))), BAD)
})

test('a heartbeat that is not in deterministic encoding is refused', t => {
  const canonical = encodeHeartbeat(sample)
  // The same map with its keys in insertion order instead of canonical order.
  const reordered = encode(sample, { mapSorter: () => 0 })
  t.false(Buffer.from(reordered).equals(Buffer.from(canonical)))
  t.is(codeThrown(() => decodeHeartbeat(reordered)), BAD)
  // A small integer in a longer form than needed (uint32 for 7).
  const reply = encodeHeartbeatReply({ serverTime: 1, registrySeq: 7 })
  const long = Buffer.concat([reply.subarray(0, reply.length - 1), Buffer.from([0x1a, 0, 0, 0, 7])])
  t.is(codeThrown(() => decodeHeartbeatReply(long)), BAD)
})

test('encoding a malformed heartbeat is a TypeError (a programmer mistake)', t => {
  t.throws(() => encodeHeartbeat({ ...sample, registrySeq: -5 }), { instanceOf: TypeError })
  t.throws(() => encodeHeartbeatReply({ serverTime: Number.NaN, registrySeq: 0 }), { instanceOf: TypeError })
})

test('random bytes decode only to a valid message or heartbeat-bad-message', t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), bytes => {
    for (const decode of [decodeHeartbeat, decodeHeartbeatReply]) {
      try {
        decode(bytes)
      } catch (err) {
        if (!isLienthongError(err, BAD)) return false
      }
    }
    return true
  }), { numRuns: 500 })
  t.pass()
})
