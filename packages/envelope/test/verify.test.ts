import test from 'ava'
import { encode } from 'cborg'
import { sha256, sign } from '@lienthong/crypto'
import {
  DEFAULT_MAX_CLOCK_SKEW_MS, RECEIPT_DOMAIN, createEnvelope, createReceipt, decodeEnvelope, decodeReceipt, encodeEnvelope,
  encodeReceipt, envelopeDigest, verifyEnvelope, verifyPayload, verifyReceipt, type SignedEnvelope
} from '@lienthong/envelope'
import { sampleEnvelope, seedKey } from './arbitraries.js'

const NOW = Date.UTC(2025, 5, 1)
const sender = seedKey(1)
const receiver = seedKey(2)
const stranger = seedKey(3)
const payload = new Uint8Array(500).map((_, i) => i & 0xff)

function received (env: SignedEnvelope, detach = false): SignedEnvelope {
  return decodeEnvelope(encodeEnvelope(env, { detachPayload: detach }))
}

test('a fresh envelope verifies, with and without the expected sender', (t) => {
  const env = received(sampleEnvelope({}, payload, NOW))
  t.deepEqual(verifyEnvelope(env, { now: NOW }), { ok: true })
  t.deepEqual(verifyEnvelope(env, { now: NOW, expectedSender: sender.publicKey }), { ok: true })
})

test('expiry: refused from expiresAt on', (t) => {
  const env = received(sampleEnvelope({ ttlMs: 60_000 }, payload, NOW))
  t.true(verifyEnvelope(env, { now: NOW + 59_999 }).ok)
  t.like(verifyEnvelope(env, { now: NOW + 60_000 }), { ok: false, code: 'envelope-expired' })
  t.like(verifyEnvelope(env, { now: NOW + 10 ** 9 }), { ok: false, code: 'envelope-expired' })
})

test('clock skew: createdAt may be ahead of the local clock by at most the tolerated skew', (t) => {
  const env = received(sampleEnvelope({}, payload, NOW))
  t.true(verifyEnvelope(env, { now: NOW - DEFAULT_MAX_CLOCK_SKEW_MS }).ok)
  t.like(verifyEnvelope(env, { now: NOW - DEFAULT_MAX_CLOCK_SKEW_MS - 1 }), { ok: false, code: 'envelope-from-future' })
  t.true(verifyEnvelope(env, { now: NOW - 1000, maxClockSkewMs: 1000 }).ok)
  t.like(verifyEnvelope(env, { now: NOW - 1001, maxClockSkewMs: 1000 }), { ok: false, code: 'envelope-from-future' })
  t.like(verifyEnvelope(env, { now: NOW - 1, maxClockSkewMs: 0 }), { ok: false, code: 'envelope-from-future' })
})

test('wrong sender: the key is not the one expected', (t) => {
  const env = received(sampleEnvelope({}, payload, NOW))
  t.like(verifyEnvelope(env, { now: NOW, expectedSender: stranger.publicKey }), { ok: false, code: 'envelope-wrong-sender' })
})

test('a header naming one key but signed by another does not verify', (t) => {
  const genuine = sampleEnvelope({}, payload, NOW, sender)
  const spoofed = received({ ...genuine, signature: sign(stranger, 'lienthong/envelope/v1', genuine.headerBytes) })
  t.like(verifyEnvelope(spoofed, { now: NOW, expectedSender: sender.publicKey }), { ok: false, code: 'envelope-bad-signature' })
})

test('signatures are bound to their header and their domain', (t) => {
  const a = sampleEnvelope({}, payload, NOW)
  const b = sampleEnvelope({ recipients: ['000.00.00.H01'] }, payload, NOW)
  t.like(verifyEnvelope(received({ ...a, signature: b.signature }), { now: NOW }), { ok: false, code: 'envelope-bad-signature' })
  // The same key signing the same bytes as a receipt does not make an envelope signature.
  const crossDomain = { ...a, signature: sign(sender, RECEIPT_DOMAIN, a.headerBytes) }
  t.like(verifyEnvelope(received(crossDomain), { now: NOW }), { ok: false, code: 'envelope-bad-signature' })
  // A hand-made object with a malformed signature is refused, not thrown.
  t.like(verifyEnvelope({ ...a, signature: new Uint8Array(3) }, { now: NOW }), { ok: false, code: 'envelope-bad-signature' })
})

test('payload mismatch: inline, detached, hash or length', (t) => {
  const env = sampleEnvelope({}, payload, NOW)
  const tampered = Uint8Array.from(payload)
  tampered[0] = (tampered[0] ?? 0) ^ 1
  t.like(verifyEnvelope({ ...env, payload: tampered }, { now: NOW }), { ok: false, code: 'envelope-payload-mismatch' })
  const detached = received(env, true)
  t.is(detached.payload, null)
  t.true(verifyEnvelope(detached, { now: NOW }).ok) // header only: the payload is checked when it arrives
  t.true(verifyEnvelope(detached, { now: NOW, payload }).ok)
  t.like(verifyEnvelope(detached, { now: NOW, payload: tampered }), { ok: false, code: 'envelope-payload-mismatch' })
  t.like(verifyEnvelope(detached, { now: NOW, payload: payload.subarray(1) }), { ok: false, code: 'envelope-payload-mismatch' })
  t.like(verifyPayload(detached, tampered), { ok: false, code: 'envelope-payload-mismatch' })
  t.true(verifyPayload(detached, payload).ok)
  // Detached from the start: built from the hash and length only.
  const fromHash = createEnvelope(
    { kind: 'document', senderOrg: '000.00.00.G01', recipients: ['000.00.00.H29'], contentType: 'application/pdf' },
    sender, { hash: sha256(payload), length: payload.length }, { now: NOW })
  t.is(fromHash.payload, null)
  t.true(verifyEnvelope(received(fromHash), { now: NOW, payload }).ok)
})

test('a sender key or payload hash differing in any one byte is noticed', (t) => {
  const env = received(sampleEnvelope({}, payload, NOW), true)
  for (let i = 0; i < 32; i++) {
    const otherKey = Uint8Array.from(sender.publicKey)
    otherKey[i] = (otherKey[i] ?? 0) ^ 0x80
    t.like(verifyEnvelope(env, { now: NOW, expectedSender: otherKey }), { ok: false, code: 'envelope-wrong-sender' })
    const payloadHash = Uint8Array.from(env.header.payloadHash)
    payloadHash[i] = (payloadHash[i] ?? 0) ^ 1
    t.like(verifyPayload({ ...env, header: { ...env.header, payloadHash } }, payload), { ok: false, code: 'envelope-payload-mismatch' })
  }
  // A key of another length (a hand-made object) is not the expected one either.
  t.like(verifyEnvelope(env, { now: NOW, expectedSender: sender.publicKey.subarray(0, 31) }), { ok: false, code: 'envelope-wrong-sender' })
  t.true(verifyEnvelope(env, { now: NOW, expectedSender: Uint8Array.from(sender.publicKey), payload }).ok)
})

test('receipts verify against their envelope and signer', (t) => {
  const env = received(sampleEnvelope({}, payload, NOW))
  const receipt = decodeReceipt(encodeReceipt(createReceipt(env, receiver, { now: NOW + 5 })))
  t.deepEqual(receipt.header.envelopeDigest, envelopeDigest(env))
  t.deepEqual(receipt.header.envelopeDigest, sha256(env.headerBytes))
  t.is(receipt.header.receivedAt, NOW + 5)
  t.deepEqual(receipt.header.receiverNode, receiver.publicKey)
  t.deepEqual(verifyReceipt(receipt, { expectedEnvelope: env, expectedSigner: receiver.publicKey }), { ok: true })
  t.like(verifyReceipt(receipt, { expectedSigner: stranger.publicKey }), { ok: false, code: 'receipt-wrong-signer' })
})

test('a receipt for another envelope is refused, even one with the same id', (t) => {
  const env = sampleEnvelope({}, payload, NOW)
  const other = sampleEnvelope({}, payload, NOW)
  const receipt = createReceipt(env, receiver, { now: NOW })
  t.like(verifyReceipt(receipt, { expectedEnvelope: other }), { ok: false, code: 'receipt-wrong-envelope' })
  // Same id, different header (another recipient): the digest tells them apart.
  const sameId = createEnvelope(
    { kind: 'document', senderOrg: '000.00.00.G01', recipients: ['000.00.00.H30'], contentType: 'application/pdf', expiresAt: env.header.expiresAt },
    sender, payload, { now: NOW, id: env.header.id })
  t.is(sameId.header.id, env.header.id)
  t.like(verifyReceipt(receipt, { expectedEnvelope: sameId }), { ok: false, code: 'receipt-wrong-envelope' })
  // Same header, different payload: the digest covers the payload hash.
  const otherPayload = createEnvelope(
    { kind: 'document', senderOrg: env.header.senderOrg, recipients: env.header.recipients, contentType: 'application/pdf', expiresAt: env.header.expiresAt },
    sender, new Uint8Array(500), { now: NOW, id: env.header.id })
  t.like(verifyReceipt(receipt, { expectedEnvelope: otherPayload }), { ok: false, code: 'receipt-wrong-envelope' })
})

test('a receipt signature is bound to its signer and domain', (t) => {
  const env = sampleEnvelope({}, payload, NOW)
  const receipt = createReceipt(env, receiver, { now: NOW })
  const bySomeoneElse = { ...receipt, signature: sign(stranger, RECEIPT_DOMAIN, receipt.headerBytes) }
  t.like(verifyReceipt(decodeReceipt(encodeReceipt(bySomeoneElse))), { ok: false, code: 'receipt-bad-signature' })
  const wrongDomain = { ...receipt, signature: sign(receiver, 'lienthong/envelope/v1', receipt.headerBytes) }
  t.like(verifyReceipt(decodeReceipt(encodeReceipt(wrongDomain))), { ok: false, code: 'receipt-bad-signature' })
})

test('receipt decoding refuses malformed input with receipt codes', (t) => {
  const env = sampleEnvelope({}, payload, NOW)
  const wire = encodeReceipt(createReceipt(env, receiver, { now: NOW }))
  t.throws(() => decodeReceipt(encodeEnvelope(env)), { code: 'receipt-malformed' })
  t.throws(() => decodeReceipt(new Uint8Array(2000)), { code: 'receipt-malformed' })
  t.throws(() => decodeReceipt(Uint8Array.from([...wire, 0])), { code: 'receipt-malformed' })
  t.throws(() => createReceipt(env, receiver, { now: 12 }), { code: 'receipt-bad-field' })
  const header = (fields: Map<number, unknown>): Uint8Array => encode([encode(fields), new Uint8Array(64)])
  const valid = new Map<number, unknown>([[0, 1], [1, env.header.id], [2, new Uint8Array(32)], [3, NOW], [4, receiver.publicKey]])
  t.notThrows(() => decodeReceipt(header(valid)))
  t.throws(() => decodeReceipt(header(new Map([...valid, [0, 2]]))), { code: 'receipt-unsupported-version' })
  t.throws(() => decodeReceipt(header(new Map([...valid, [5, 0]]))), { code: 'receipt-malformed' })
  t.throws(() => decodeReceipt(header(new Map([...valid, [2, new Uint8Array(31)]]))), { code: 'receipt-bad-field' })
  t.throws(() => decodeReceipt(header(new Map([...valid].filter(([k]) => k !== 4)))), { code: 'receipt-bad-field' })
})
