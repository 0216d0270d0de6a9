import test from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { createEnvelope, createReceipt, createReceipts, encodeEnvelope, encodeReceipt, isUlid } from '@lienthong/envelope'
import { UlidFactory } from '../src/ids.js'
import { envelopeHeaderBytes, receiptAnswers } from '../src/receipt-check.js'

/** The millisecond time in a ULID's first 10 characters (Crockford base32). */
function decodeTime (id: string): number {
  return [...id.slice(0, 10)].reduce((time, char) => time * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(char), 0)
}

const INIT = { kind: 'document' as const, senderOrg: '000.00.00.G01', recipients: ['000.00.00.H29'], contentType: 'application/pdf' }

test('envelope ids are ULIDs of their creation time, strictly increasing, also within one millisecond', t => {
  const ids = new UlidFactory()
  const now = Date.now()
  let previous = ''
  for (let i = 0; i < 5000; i++) {
    const at = now + Math.floor(i / 1000)
    const id = ids.next(at)
    t.true(isUlid(id), id)
    t.true(id > previous, `${id} after ${previous}`)
    t.is(decodeTime(id), at)
    previous = id
  }
  // A clock that steps back still gives a later id.
  t.true(ids.next(now - 10_000) > previous)
})

test('a receipt answers its envelope only: same id, same header digest, signed by the recipient node', async t => {
  const sender = generateNodeKey()
  const receiver = generateNodeKey()
  const envelope = createEnvelope(INIT, sender, new Uint8Array(300).fill(7))
  const other = createEnvelope(INIT, sender, new Uint8Array(300).fill(8))
  const bytes = encodeEnvelope(envelope)
  t.deepEqual(envelopeHeaderBytes(bytes), envelope.headerBytes)
  t.deepEqual(envelopeHeaderBytes(encodeEnvelope(other, { detachPayload: true })), other.headerBytes)
  t.is(envelopeHeaderBytes(new Uint8Array([0x83])), undefined)

  const receipt = encodeReceipt(createReceipt(envelope, receiver))
  const { id } = envelope.header
  t.true(await receiptAnswers(receipt, id, bytes, receiver.publicKey))
  t.false(await receiptAnswers(receipt, id, bytes, sender.publicKey), 'another signer')
  t.false(await receiptAnswers(receipt, other.header.id, encodeEnvelope(other), receiver.publicKey), 'another envelope')
  t.false(await receiptAnswers(receipt, id, encodeEnvelope(other), receiver.publicKey), 'another header under the same id')
  t.false(await receiptAnswers(encodeReceipt(createReceipt(other, receiver)), id, bytes, receiver.publicKey), 'the receipt of another envelope')
  const forged = Uint8Array.from(receipt)
  forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1
  t.false(await receiptAnswers(forged, id, bytes, receiver.publicKey), 'a bit flipped in the signature')
  t.false(await receiptAnswers(new Uint8Array([1, 2, 3]), id, bytes, receiver.publicKey), 'not a receipt')
})

test('batched receipts: each answers its own envelope only; a forged batch signature fails for every receipt of the batch', async t => {
  const sender = generateNodeKey()
  const receiver = generateNodeKey()
  const stranger = generateNodeKey()
  const envelopes = Array.from({ length: 5 }, (_, i) => createEnvelope(INIT, sender, new Uint8Array(100).fill(i)))
  const receipts = createReceipts(envelopes, receiver).map(encodeReceipt)
  const answers = await Promise.all(receipts.map(async (receipt, i) => {
    const envelope = envelopes[i]!
    return await receiptAnswers(receipt, envelope.header.id, encodeEnvelope(envelope), receiver.publicKey)
  }))
  t.deepEqual(answers, [true, true, true, true, true])
  const first = envelopes[0]!
  t.false(await receiptAnswers(receipts[1]!, first.header.id, encodeEnvelope(first), receiver.publicKey), 'the receipt of a neighbour')
  // The same headers and proofs under a batch signature of another key: verified (once) and refused.
  const now = Date.now()
  const strangers = createReceipts(envelopes, stranger, { now })
  const forged = createReceipts(envelopes, receiver, { now }).map((r, i) => ({ ...r, signature: strangers[i]!.signature }))
  const forgedAnswers = await Promise.all(forged.map(async (receipt, i) => {
    const envelope = envelopes[i]!
    return await receiptAnswers(encodeReceipt(receipt), envelope.header.id, encodeEnvelope(envelope), receiver.publicKey)
  }))
  t.deepEqual(forgedAnswers, [false, false, false, false, false])
  // Still true after the forgery was seen: a refused signature is not confused with the real one.
  t.true(await receiptAnswers(receipts[3]!, envelopes[3]!.header.id, encodeEnvelope(envelopes[3]!), receiver.publicKey))
})

test('batched receipts checked against the proven nodes of their batch: a changed upper sibling, or a receipt claiming the batch signature for another tree, is refused', async t => {
  const sender = generateNodeKey()
  const receiver = generateNodeKey()
  const envelopes = Array.from({ length: 8 }, (_, i) => createEnvelope(INIT, sender, new Uint8Array(100).fill(i)))
  const now = Date.now()
  const receipts = createReceipts(envelopes, receiver, { now })
  const answers = async (list: typeof receipts, order: number[]): Promise<boolean[]> => await Promise.all(order.map(async i =>
    await receiptAnswers(encodeReceipt(list[i]!), envelopes[i]!.header.id, encodeEnvelope(envelopes[i]!), receiver.publicKey)))
  t.deepEqual(await answers(receipts, [5, 0, 3]), [true, true, true])
  // Receipt 4's leaf is proven (receipt 5's sibling): its own proof must still carry the right siblings.
  const proof = Uint8Array.from(receipts[4]!.proof!)
  proof[proof.length - 1] = (proof[proof.length - 1] ?? 0) ^ 1
  const bad = { ...receipts[4]!, proof }
  t.false(await receiptAnswers(encodeReceipt(bad), envelopes[4]!.header.id, encodeEnvelope(envelopes[4]!), receiver.publicKey))
  // Another tree (a later batch of the same envelopes) under this batch's signature.
  const later = createReceipts(envelopes, receiver, { now: now + 1 }).map(r => ({ ...r, signature: receipts[0]!.signature }))
  t.deepEqual(await answers(later, [1, 2]), [false, false])
  t.deepEqual(await answers(receipts, [0, 1, 2, 3, 4, 5, 6, 7]), Array(8).fill(true))
})
