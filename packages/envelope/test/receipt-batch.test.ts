import test from 'ava'
import fc from 'fast-check'
import { isLienthongError } from '@lienthong/errors'
import {
  MAX_RECEIPT_BATCH, RECEIPT_BATCH_DOMAIN, ReceiptBatchProofs, createReceipts, decodeEnvelope, decodeReceipt, encodeEnvelope, encodeReceipt,
  receiptSignedMessage, verifyReceipt, type SignedEnvelope, type SignedReceipt
} from '@lienthong/envelope'
import { sampleEnvelope, seedKey } from './arbitraries.js'

const NOW = Date.UTC(2025, 5, 1, 0, 1)
const receiver = seedKey(2)
const stranger = seedKey(3)

function envelopes (count: number): SignedEnvelope[] {
  return Array.from({ length: count }, (_, i) => decodeEnvelope(encodeEnvelope(sampleEnvelope({}, new Uint8Array(40).fill(i & 0xff)))))
}

function wireOf (receipts: SignedReceipt[]): Uint8Array[] {
  return receipts.map(encodeReceipt)
}

function flip (bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  out[bit >>> 3] = (out[bit >>> 3] ?? 0) ^ (1 << (bit & 7))
  return out
}

/** Refused: a typed `receipt-*` decode error, or verification fails. */
function refused (bytes: Uint8Array, env: SignedEnvelope): boolean {
  try {
    return !verifyReceipt(decodeReceipt(bytes), { expectedEnvelope: env, expectedSigner: receiver.publicKey }).ok
  } catch (err) {
    return isLienthongError(err) && err.code.startsWith('receipt-')
  }
}

test('every receipt of a batch verifies on its own after a round trip; a batch of one is a plain receipt (property)', (t) => {
  const all = envelopes(24)
  fc.assert(fc.property(fc.integer({ min: 1, max: 24 }), (count) => {
    const envs = all.slice(0, count)
    const receipts = createReceipts(envs, receiver, { now: NOW })
    if (receipts.length !== count) return false
    if (count === 1) return receipts[0]?.proof === undefined
    if (!receipts.every(r => r.proof !== undefined && r.signature.every((b, i) => b === receipts[0]?.signature[i]))) return false
    return wireOf(receipts).every((wire, i) =>
      verifyReceipt(decodeReceipt(wire), { expectedEnvelope: envs[i], expectedSigner: receiver.publicKey }).ok)
  }), { numRuns: 12 })
  t.pass()
})

test('a batched receipt does not verify for another envelope, another signer, or with a neighbour\'s proof', (t) => {
  const envs = envelopes(5)
  const [first, second] = createReceipts(envs, receiver, { now: NOW }) as [SignedReceipt, SignedReceipt]
  t.like(verifyReceipt(first, { expectedEnvelope: envs[1] }), { ok: false, code: 'receipt-wrong-envelope' })
  t.like(verifyReceipt(first, { expectedSigner: stranger.publicKey }), { ok: false, code: 'receipt-wrong-signer' })
  const swapped = decodeReceipt(encodeReceipt({ ...first, proof: second.proof }))
  t.like(verifyReceipt(swapped), { ok: false, code: 'receipt-bad-signature' })
  // The batch signature made by another key under the same header and proof.
  const [forged] = createReceipts(envs, stranger, { now: NOW }) as [SignedReceipt]
  t.like(verifyReceipt({ ...first, signature: forged.signature }), { ok: false, code: 'receipt-bad-signature' })
  t.is(receiptSignedMessage(first).domain, RECEIPT_BATCH_DOMAIN)
})

test('every single bit flip of a batched receipt is detected (exhaustive)', (t) => {
  const envs = envelopes(5)
  const receipts = wireOf(createReceipts(envs, receiver, { now: NOW }))
  // The last one: its leaf is carried up a level unpaired, the case a sloppy tree gets wrong.
  for (const index of [1, 4]) {
    const wire = receipts[index] as Uint8Array
    const missed: number[] = []
    for (let bit = 0; bit < wire.length * 8; bit++) if (!refused(flip(wire, bit), envs[index] as SignedEnvelope)) missed.push(bit)
    t.deepEqual(missed, [], `receipt ${index}`)
  }
})

test('malformed proofs are refused at decoding with receipt-malformed', (t) => {
  const envs = envelopes(3)
  const good = createReceipts(envs, receiver, { now: NOW })[0] as SignedReceipt
  const proof = good.proof as Uint8Array
  const withProof = (p: Uint8Array): Uint8Array => encodeReceipt({ ...good, proof: p })
  const header = (index: number, count: number): Uint8Array => {
    const out = Uint8Array.from(proof)
    new DataView(out.buffer).setUint32(0, index)
    new DataView(out.buffer).setUint32(4, count)
    return out
  }
  for (const bad of [
    proof.subarray(0, 7), // no room for index and count
    proof.subarray(0, proof.length - 1), // a sibling cut short
    new Uint8Array([...proof, ...new Uint8Array(32)]), // one sibling too many
    header(3, 3), // index out of range
    header(0, 1), // a batch of one has no proof
    header(0, MAX_RECEIPT_BATCH + 1)
  ]) {
    const err = t.throws(() => decodeReceipt(withProof(bad)))
    t.true(isLienthongError(err) && err.code === 'receipt-malformed')
  }
})

test('batches larger than MAX_RECEIPT_BATCH are split, each part under its own signature', (t) => {
  const one = envelopes(1)[0] as SignedEnvelope
  const envs = Array.from({ length: MAX_RECEIPT_BATCH + 2 }, () => one)
  const receipts = createReceipts(envs, receiver, { now: NOW })
  t.is(receipts.length, envs.length)
  const first = receipts[0] as SignedReceipt
  const last = receipts[envs.length - 1] as SignedReceipt
  t.notDeepEqual(first.signature, last.signature)
  t.true(verifyReceipt(decodeReceipt(encodeReceipt(last)), { expectedEnvelope: one }).ok)
  t.true(verifyReceipt(decodeReceipt(encodeReceipt(first)), { expectedEnvelope: one }).ok)
})

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

/** What checking a receipt on its own says: its proof leads to exactly `message`. */
function leadsTo (receipt: { headerBytes: Uint8Array, proof: Uint8Array }, message: Uint8Array): boolean {
  try {
    return sameBytes(receiptSignedMessage(receipt).message, message)
  } catch {
    return false
  }
}

test('ReceiptBatchProofs accepts a receipt exactly when its own proof leads to the batch root, in any order, corrupted or not (property)', (t) => {
  const all = envelopes(40)
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 40 }).chain(count => fc.tuple(
      fc.shuffledSubarray([...Array(count).keys()], { minLength: count, maxLength: count }),
      fc.array(fc.tuple(fc.nat(count - 1), fc.boolean(), fc.nat()), { maxLength: 6 })
    )),
    ([order, corruptions]) => {
      const receipts = createReceipts(all.slice(0, order.length), receiver, { now: NOW })
      const first = receipts[0] as SignedReceipt & { proof: Uint8Array }
      const message = receiptSignedMessage(first).message
      const batch = new ReceiptBatchProofs(message)
      // Corrupted copies are checked first, at their position in the order: they must not
      // poison the nodes proven for the others.
      for (const index of order) {
        const receipt = receipts[index] as SignedReceipt & { proof: Uint8Array }
        for (const [which, inProof, bit] of corruptions) {
          if (which !== index) continue
          const target = inProof ? receipt.proof : receipt.headerBytes
          const bad = inProof ? { headerBytes: receipt.headerBytes, proof: flip(target, bit % (target.length * 8)) } : { headerBytes: flip(target, bit % (target.length * 8)), proof: receipt.proof }
          t.false(batch.includes(bad.headerBytes, bad.proof))
          t.false(leadsTo(bad, message))
        }
        t.true(batch.includes(receipt.headerBytes, receipt.proof))
      }
    }), { numRuns: 60 })
})

test('ReceiptBatchProofs: receipts of another batch, a proof whose siblings above a proven node were changed, and a bad message are refused', (t) => {
  const envs = envelopes(16)
  const receipts = createReceipts(envs, receiver, { now: NOW }) as Array<SignedReceipt & { proof: Uint8Array }>
  const others = createReceipts(envs, receiver, { now: NOW + 1 }) as Array<SignedReceipt & { proof: Uint8Array }>
  const batch = new ReceiptBatchProofs(receiptSignedMessage(receipts[0]!).message)
  t.is(batch.count, 16)
  t.true(batch.includes(receipts[0]!.headerBytes, receipts[0]!.proof))
  // Receipt 1's leaf is proven already (receipt 0's sibling); its last sibling is changed.
  const proof = Uint8Array.from(receipts[1]!.proof)
  proof[proof.length - 1] = (proof[proof.length - 1] ?? 0) ^ 1
  t.false(batch.includes(receipts[1]!.headerBytes, proof))
  t.true(batch.includes(receipts[1]!.headerBytes, receipts[1]!.proof))
  t.false(batch.includes(others[2]!.headerBytes, others[2]!.proof), 'the receipt of another batch')
  t.false(batch.includes(receipts[2]!.headerBytes, receipts[2]!.proof.subarray(0, 8)), 'a malformed proof')
  t.true(receipts.every(r => batch.includes(r.headerBytes, r.proof)))
  t.throws(() => new ReceiptBatchProofs(new Uint8Array(35)), { instanceOf: RangeError })
  t.throws(() => new ReceiptBatchProofs(new Uint8Array(36)), { instanceOf: RangeError }, 'a count of 0')
})
