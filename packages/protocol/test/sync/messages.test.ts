import test from 'ava'
import { encode } from 'cborg'
import fc from 'fast-check'
import { generateNodeKey } from '@lienthong/crypto'
import { encodeSignedEntry, MAX_ENTRY_BYTES } from '@lienthong/registry'
import { isLienthongError } from '@lienthong/errors'
import {
  decodeEntriesReply, decodeHeadReply, decodeSyncRequest, encodeEntriesReply, encodeHeadReply, encodeSyncRequest,
  ANNOUNCE_MAX_ENTRIES, RegistrySyncErrorCode, splitSignedEntry, SYNC_PAGE_LIMIT, type SyncRequest
} from '../../src/sync/index.js'
import { fixedWriter, orgOps } from './helpers.js'
import { codeThrown } from '../helpers.js'

const BAD = RegistrySyncErrorCode.BAD_MESSAGE
const key = generateNodeKey()
const writer = fixedWriter(key)
writer.appendOps(orgOps(0, 2), { actor: 'admin' })
const checkpoint = writer.checkpoint(1)


const seq = fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER })
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 })
const request: fc.Arbitrary<SyncRequest> = fc.oneof(
  fc.constant({ type: 'head' as const }),
  fc.record({ type: fc.constant('entries' as const), after: seq, limit: fc.integer({ min: 1, max: SYNC_PAGE_LIMIT }) }),
  fc.record({ type: fc.constant('announce' as const), seq, head: hash }),
  fc.record({ type: fc.constant('announce' as const), seq, head: hash, checkpoint: fc.constant(checkpoint) }),
  fc.record({
    type: fc.constant('announce' as const),
    seq: fc.integer({ min: 15, max: 1e9 }),
    head: hash,
    entries: fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: ANNOUNCE_MAX_ENTRIES })
  })
)

test('requests and replies round-trip', t => {
  fc.assert(fc.property(request, r => {
    t.deepEqual(decodeSyncRequest(encodeSyncRequest(r)), r)
  }), { numRuns: 200 })
  fc.assert(fc.property(seq, hash, fc.boolean(), (s, h, withCheckpoint) => {
    const info = { seq: s, head: h, ...(withCheckpoint ? { checkpoint } : {}) }
    t.deepEqual(decodeHeadReply(encodeHeadReply(info)), info)
  }), { numRuns: 100 })
  const page = [new Uint8Array([1]), new Uint8Array(0), new Uint8Array(300).fill(9)]
  t.deepEqual(decodeEntriesReply(encodeEntriesReply(page)), page)
})

test('decoding is strict: every malformed message is registry-sync-bad-message', t => {
  const cases: unknown[] = [
    [], 'head', null, { type: 'head', extra: 1 }, { type: 'nope' }, { type: 7 },
    { type: 'entries', after: 0 }, { type: 'entries', after: -2, limit: 1 }, { type: 'entries', after: 0.5, limit: 1 },
    { type: 'entries', after: 0, limit: 0 }, { type: 'entries', after: 0, limit: SYNC_PAGE_LIMIT + 1 },
    { type: 'entries', after: 0, limit: '5' }, { type: 'announce', seq: 1 }, { type: 'announce', seq: 1, head: new Uint8Array(31) },
    { type: 'announce', seq: 1, head: new Uint8Array(32), checkpoint: new Uint8Array([1, 2]) },
    { type: 'announce', seq: 1, head: new Uint8Array(32), checkpoint: 'x' },
    { type: 'announce', seq: 1, head: new Uint8Array(32), entries: [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)] },
    { type: 'announce', seq: 99, head: new Uint8Array(32), entries: Array.from({ length: ANNOUNCE_MAX_ENTRIES + 1 }, () => new Uint8Array(1)) },
    { type: 'announce', seq: 5, head: new Uint8Array(32), entries: ['x'] }
  ]
  for (const c of cases) t.is(codeThrown(() => decodeSyncRequest(encode(c))), BAD, JSON.stringify(c))
  t.is(codeThrown(() => decodeSyncRequest(new Uint8Array([0xff]))), BAD)
  t.is(codeThrown(() => decodeSyncRequest(new Uint8Array([0xa1, 0x01, 0x02]))), BAD, 'non-string key')
  t.is(codeThrown(() => decodeHeadReply(encode({ seq: 1, head: new Uint8Array(32), more: true }))), BAD)
  t.is(codeThrown(() => decodeEntriesReply(encode({ entries: [1] }))), BAD)
  t.is(codeThrown(() => decodeEntriesReply(encode({ entries: Array.from({ length: SYNC_PAGE_LIMIT + 1 }, () => new Uint8Array(1)) }))), BAD)
})

test('a signed entry wire splits into its exact bytes and signature, or registry-malformed', t => {
  const signed = writer.registry.entry(1)!.signed
  const split = splitSignedEntry(encodeSignedEntry(signed))
  t.true(Buffer.from(split.bytes).equals(Buffer.from(signed.bytes)) && Buffer.from(split.signature).equals(Buffer.from(signed.signature)))
  for (const bad of [[signed.bytes], [signed.bytes, signed.signature.subarray(1)], [signed.bytes, signed.signature, 1], { bytes: signed.bytes },
    [new Uint8Array(MAX_ENTRY_BYTES + 1), signed.signature], ['x', signed.signature]]) {
    t.is(codeThrown(() => splitSignedEntry(encode(bad))), 'registry-malformed')
  }
  t.is(codeThrown(() => splitSignedEntry(new Uint8Array([0x82, 0x41]))), 'registry-malformed')
})

test('random bytes never decode to anything but a typed refusal or a valid message', t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), bytes => {
    for (const decode of [decodeSyncRequest, decodeHeadReply, decodeEntriesReply]) {
      try {
        decode(bytes)
      } catch (err) {
        if (!isLienthongError(err, BAD)) return false
      }
    }
    try {
      splitSignedEntry(bytes)
    } catch (err) {
      if (!isLienthongError(err, 'registry-malformed')) return false
    }
    return true
  }), { numRuns: 500 })
  t.pass()
})
