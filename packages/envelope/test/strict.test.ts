import test from 'ava'
import { encode } from 'cborg'
import type { LienthongError } from '@lienthong/errors'
import { decodeEnvelope, EnvelopeKey } from '@lienthong/envelope'
import { sampleEnvelope } from './arbitraries.js'
import { concat, frameOf, headerOf, hex, rawEnvelope, validFields } from './raw.js'

const code = (code: string): { code: string } => ({ code })

test('the hand-built helpers produce an envelope that decodes (control)', (t) => {
  const env = sampleEnvelope()
  const back = decodeEnvelope(rawEnvelope(validFields(env)))
  t.deepEqual(back.header, env.header)
})

test('header map keys out of canonical order are refused', (t) => {
  const fields = validFields()
  const entries = Object.entries(EnvelopeKey).filter(([name]) => fields[name] !== undefined).reverse()
  const body = entries.map(([name, key]) => concat(encode(key), encode(fields[name])))
  const header = concat(Uint8Array.of(0xa0 + entries.length), ...body)
  t.throws(() => decodeEnvelope(frameOf(header)), code('envelope-malformed'))
})

test('non-shortest integers, indefinite lengths, duplicates, floats, tags and undefined are refused', (t) => {
  const good = headerOf(validFields())
  t.is(good[0], 0xab) // map of 11 (no reference): the patches below rely on this
  const body = good.subarray(1)
  const cases: Record<string, Uint8Array> = {
    // version 1 written as 0x18 0x01
    nonShortestInt: concat(hex('ab 00 18 01'), body.subarray(2)),
    // map(11) written with a one-byte length
    nonShortestLength: concat(hex('b8 0b'), body),
    indefiniteMap: concat(hex('bf'), body, hex('ff')),
    duplicateKey: concat(hex('ac 00 01'), body),
    versionAsFloat: concat(hex('ab 00 f9 3c 00'), body.subarray(2)),
    versionAsTag: concat(hex('ab 00 c1 01'), body.subarray(2)),
    versionUndefined: concat(hex('ab 00 f7'), body.subarray(2)),
    unknownKey: concat(hex('ac'), body, encode(12), encode(0)),
    stringKey: encode(new Map<unknown, unknown>([['version', 1]])),
    notAMap: encode([1, 2, 3]),
    trailingBytes: concat(good, hex('00')),
    empty: new Uint8Array(0)
  }
  for (const [name, header] of Object.entries(cases)) {
    t.throws(() => decodeEnvelope(frameOf(header)), code('envelope-malformed'), name)
  }
  t.notThrows(() => decodeEnvelope(frameOf(good)))
})

test('a timestamp encoded as a float is refused even though its value is an integer', (t) => {
  const fields = validFields()
  const created = fields.createdAt as number
  const asUint = concat(encode(EnvelopeKey.createdAt), encode(created))
  const buf = Buffer.alloc(9)
  buf[0] = 0xfb
  buf.writeDoubleBE(created, 1)
  const header = headerOf(fields)
  const at = Buffer.from(header).indexOf(Buffer.from(asUint))
  t.true(at > 0)
  const patched = concat(header.subarray(0, at + 1), buf, header.subarray(at + asUint.length))
  t.throws(() => decodeEnvelope(frameOf(patched)), code('envelope-malformed'))
})

test('unknown header keys are refused with the key named', (t) => {
  const header = headerOf(validFields())
  t.is(header[0], 0xab)
  const withKey12 = concat(hex('ac'), header.subarray(1), encode(12), encode('x'))
  const err = t.throws<LienthongError>(() => decodeEnvelope(frameOf(withKey12)), code('envelope-malformed'))
  t.is(err?.meta.key, '12')
  const withKey99 = concat(hex('ac'), header.subarray(1), encode(99), encode('x'))
  t.is(t.throws<LienthongError>(() => decodeEnvelope(frameOf(withKey99)))?.meta.key, '99')
})

test('frame violations are refused', (t) => {
  const env = sampleEnvelope()
  const h = env.headerBytes
  const cases: Record<string, Uint8Array> = {
    twoItems: encode([h, env.signature]),
    fourItems: encode([h, env.signature, null, null]),
    shortSignature: encode([h, env.signature.subarray(0, 63), null]),
    longSignature: encode([h, concat(env.signature, hex('00')), null]),
    headerAsText: encode([Buffer.from(h).toString('latin1'), env.signature, null]),
    payloadAsFalse: encode([h, env.signature, false]),
    payloadUndefined: concat(encode([h, env.signature, null]).subarray(0, -1), hex('f7')),
    nonShortestHeaderLength: concat(hex('83 59'), Uint8Array.of(0, h.length), h, hex('58 40'), env.signature, hex('f6')),
    indefiniteArray: concat(hex('9f'), encode(h), encode(env.signature), hex('f6 ff')),
    indefiniteBytes: concat(hex('83 5f'), encode(h), hex('ff'), encode(env.signature), hex('f6')),
    trailing: concat(encode([h, env.signature, null]), hex('f6')),
    notArray: encode({ h }),
    empty: new Uint8Array(0)
  }
  for (const [name, bytes] of Object.entries(cases)) {
    t.throws(() => decodeEnvelope(bytes), code('envelope-malformed'), name)
  }
})

test('an inline payload whose length differs from the header is refused', (t) => {
  const env = sampleEnvelope({}, new Uint8Array(10))
  t.throws(() => decodeEnvelope(encode([env.headerBytes, env.signature, new Uint8Array(11)])), code('envelope-payload-mismatch'))
  t.throws(() => decodeEnvelope(encode([env.headerBytes, env.signature, new Uint8Array(0)])), code('envelope-payload-mismatch'))
})
