import { latin1, sha256, verifyAsync } from '@lienthong/crypto'
import { ReceiptBatchProofs, decodeReceipt, receiptSignedMessage, type DecodedReceipt } from '@lienthong/envelope'
import { sameBytes } from './bytes.js'

/** Batch signatures already verified (signer, signed message, signature), most recent last. */
const VERIFIED_BATCHES_KEPT = 64
const verifiedBatches = new Map<string, Promise<boolean>>()
/** Batches whose signature verified, by signer and signature, with the tree nodes proven so far. */
const provenBatches = new Map<string, Promise<ReceiptBatchProofs | undefined>>()

function remember<T> (cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= VERIFIED_BATCHES_KEPT) cache.delete(cache.keys().next().value as string)
  cache.set(key, value)
}

/**
 * The signature check of a receipt, shared by the receipts of one batch: they carry the same
 * signature over the same message (count and root), so it is verified once, not once per receipt.
 */
async function verifyShared (signer: Uint8Array, domain: string, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  // Built from the bytes one by one: reading `.buffer` of these small arrays would move each off
  // V8's heap (a malloc per receipt).
  const key = `${latin1(signer)} ${latin1(message)} ${latin1(signature)}`
  let verified = verifiedBatches.get(key)
  if (verified === undefined) {
    verified = verifyAsync(signer, domain, message, signature).catch(() => false)
    remember(verifiedBatches, key, verified)
  }
  return await verified
}

/**
 * A batched receipt's signature and inclusion proof. The first receipt of a batch recomputes its
 * whole path to the root and has the batch signature verified; the others are checked against
 * the nodes already proven (about two hashes each instead of a whole path). One that does not
 * fit the batch seen first under its signature is checked on its own.
 */
async function batchedReceiptVerifies (signer: Uint8Array, receipt: DecodedReceipt & { proof: Uint8Array }): Promise<boolean> {
  const key = `${latin1(signer)} ${latin1(receipt.signature)}`
  let proven = provenBatches.get(key)
  if (proven === undefined) {
    const { domain, message } = receiptSignedMessage(receipt)
    proven = verifyShared(signer, domain, message, receipt.signature).then(ok => ok ? new ReceiptBatchProofs(message) : undefined)
    remember(provenBatches, key, proven)
  }
  if ((await proven)?.includes(receipt.headerBytes, receipt.proof) === true) return true
  const { domain, message } = receiptSignedMessage(receipt)
  return await verifyShared(signer, domain, message, receipt.signature)
}

/**
 * The header bytes of an encoded envelope (`[bstr header, bstr signature, payload]`, canonical
 * CBOR), read from the outer array's first length prefix without decoding the header; undefined
 * if the bytes do not start that way.
 */
export function envelopeHeaderBytes (bytes: Uint8Array): Uint8Array | undefined {
  if (bytes[0] !== 0x83) return undefined
  const first = bytes[1]
  if (first === undefined || (first >> 5) !== 2) return undefined
  const info = first & 0x1f
  let length = info
  let start = 2
  if (info >= 24) {
    if (info > 27) return undefined
    const size = 1 << (info - 24)
    length = 0
    for (let i = 0; i < size; i++) {
      const byte = bytes[2 + i]
      if (byte === undefined) return undefined
      length = length * 256 + byte
    }
    start += size
  }
  return start + length <= bytes.length ? bytes.subarray(start, start + length) : undefined
}

/**
 * True when `receipt` answers exactly the envelope `id` encoded as `envelopeBytes` (its id, and
 * the SHA-256 of its exact header bytes) and is signed by `signer`: the predicate of
 * `verifyReceipt(decodeReceipt(receipt), { expectedEnvelope, expectedSigner })`, without
 * decoding the whole envelope again, with the signature checked on the thread pool, and a batch
 * signature checked once for all the receipts of its batch (see `batchedReceiptVerifies`).
 */
export async function receiptAnswers (receipt: Uint8Array, id: string, envelopeBytes: Uint8Array, signer: Uint8Array): Promise<boolean> {
  try {
    // Views into `receipt`: nothing decoded here is kept.
    const decoded = decodeReceipt(receipt, { views: true })
    const { header, signature, proof } = decoded
    const envelopeHeader = envelopeHeaderBytes(envelopeBytes)
    if (envelopeHeader === undefined || header.envelopeId !== id || !sameBytes(header.receiverNode, signer)) return false
    if (!sameBytes(sha256(envelopeHeader), header.envelopeDigest)) return false
    if (proof === undefined) {
      const { domain, message } = receiptSignedMessage(decoded)
      return await verifyAsync(signer, domain, message, signature)
    }
    return await batchedReceiptVerifies(signer, { ...decoded, proof })
  } catch {
    return false
  }
}
