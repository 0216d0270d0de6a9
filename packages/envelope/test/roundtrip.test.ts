import test from 'ava'
import fc from 'fast-check'
import { decode, encode } from 'cborg'
import {
  createReceipt, decodeEnvelope, decodeReceipt, encodeEnvelope, encodeReceipt, envelopeDigest, verifyEnvelope,
  verifyReceipt, isUlid
} from '@lienthong/envelope'
import { KEYS, build, envelopeCase, sampleEnvelope, times } from './arbitraries.js'

test('envelopes round-trip through encode/decode and verify (property)', (t) => {
  fc.assert(fc.property(envelopeCase, (c) => {
    const env = build(c)
    const wire = encodeEnvelope(env)
    const back = decodeEnvelope(wire)
    t.deepEqual(back.header, env.header)
    t.deepEqual(back.headerBytes, env.headerBytes)
    t.deepEqual(back.signature, env.signature)
    if (c.detached) {
      t.is(back.payload, null)
      t.deepEqual(verifyEnvelope(back, { now: c.createdAt, payload: c.payload }), { ok: true })
    } else {
      t.deepEqual(back.payload, c.payload)
      t.deepEqual(verifyEnvelope(back, { now: c.createdAt }), { ok: true })
    }
    // Re-encoding what was decoded gives the same bytes (one canonical form).
    t.deepEqual(encodeEnvelope(back), wire)
    // The frame is plain CBOR: cborg reads and writes exactly the same structure.
    t.true(Buffer.from(encode(decode(wire))).equals(wire))
    return true
  }), { numRuns: 150 })
})

test('decodeEnvelope with views gives the same envelope, its parts plain views into the wire bytes (property)', (t) => {
  fc.assert(fc.property(envelopeCase, (c) => {
    const env = build(c)
    // Inside a Buffer at an offset, as bytes arrive from the network.
    const wire = Buffer.concat([Buffer.from([1, 2, 3]), encodeEnvelope(env)]).subarray(3)
    const copied = decodeEnvelope(wire)
    const viewed = decodeEnvelope(wire, {}, { views: true })
    t.deepEqual(viewed, copied)
    for (const part of [viewed.headerBytes, viewed.signature]) {
      t.is(Object.getPrototypeOf(part), Uint8Array.prototype)
      t.is(part.buffer, wire.buffer)
    }
    t.deepEqual(verifyEnvelope(viewed, { now: c.createdAt, ...(c.detached ? { payload: c.payload } : {}) }), { ok: true })
    return true
  }), { numRuns: 50 })
})

test('detachPayload leaves the payload out of an inline envelope', (t) => {
  fc.assert(fc.property(envelopeCase, (c) => {
    const env = build({ ...c, detached: false })
    const back = decodeEnvelope(encodeEnvelope(env, { detachPayload: true }))
    t.is(back.payload, null)
    t.deepEqual(back.header, env.header)
    t.true(verifyEnvelope(back, { now: c.createdAt, payload: c.payload }).ok)
  }), { numRuns: 30 })
})

test('receipts round-trip and verify against their envelope (property)', (t) => {
  fc.assert(fc.property(envelopeCase, times, fc.constantFrom(...KEYS), (c, { createdAt: receivedAt }, receiver) => {
    const env = decodeEnvelope(encodeEnvelope(build(c)))
    const receipt = createReceipt(env, receiver, { now: receivedAt })
    const wire = encodeReceipt(receipt)
    const back = decodeReceipt(wire)
    t.deepEqual(back, receipt)
    t.is(back.header.envelopeId, env.header.id)
    t.deepEqual(back.header.envelopeDigest, envelopeDigest(env))
    t.deepEqual(verifyReceipt(back, { expectedEnvelope: env, expectedSigner: receiver.publicKey }), { ok: true })
    t.deepEqual(encodeReceipt(back), wire)
  }), { numRuns: 100 })
})

test('default ids are ULIDs that sort in creation order', (t) => {
  const ids: string[] = []
  for (let i = 0; i < 50; i++) ids.push(sampleEnvelope({}, new Uint8Array(1), Date.now()).header.id)
  t.is(new Set(ids).size, 50)
  t.deepEqual([...ids].sort(), ids)
  t.true(ids.every((id) => isUlid(id)))
})

