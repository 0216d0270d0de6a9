/**
 * Receipts signed as a batch: one signature over the Merkle root of the receipt headers of a
 * batch, and in each receipt an inclusion proof, so that every receipt still verifies on its own
 * (`verifyReceipt`) and the receiving node signs once per batch instead of once per envelope.
 *
 * ```
 * receipt (batched) = [ headerBytes: bstr, signature: bstr(64), proof: bstr ]
 * proof     = index: u32 BE || count: u32 BE || sibling hashes (32 bytes each, leaf to root)
 * leaf      = SHA-256(0x00 || headerBytes)        node = SHA-256(0x01 || left || right)
 * signature = ed25519(receiver key, signedBytes(RECEIPT_BATCH_DOMAIN, count: u32 BE || root))
 * ```
 *
 * The tree pairs nodes left to right; an odd node out at the end of a level is carried up
 * unchanged. `index` and `count` fix which side each sibling is on and how many there are, so a
 * proof has exactly one valid length and one root for a given leaf.
 */
import { sha256 } from '@lienthong/crypto'
import { MAX_RECEIPT_BATCH, MAX_RECEIPT_BYTES } from './constants.js'
import { bytesEqual } from './fields.js'

const HASH_BYTES = 32
const PROOF_HEAD_BYTES = 8

// Hash inputs are built in these and hashed at once (sha256 does not keep its input): a sender
// checks a proof of about nine hashes per receipt, and a fresh buffer per hash was a malloc each.
const leafInput = new Uint8Array(1 + MAX_RECEIPT_BYTES)
const nodeInput = new Uint8Array(1 + 2 * HASH_BYTES)
nodeInput[0] = 0x01

function leafHash (headerBytes: Uint8Array): Uint8Array {
  if (headerBytes.length > MAX_RECEIPT_BYTES) throw new RangeError('receipt header too large')
  leafInput.set(headerBytes, 1)
  return sha256(leafInput.subarray(0, 1 + headerBytes.length))
}

function nodeHash (left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeInput.set(left, 1)
  nodeInput.set(right, 1 + HASH_BYTES)
  return sha256(nodeInput)
}

/** The bytes a batch signature covers: the leaf count (u32 BE) and the root. */
export function batchSignedMessage (count: number, root: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + HASH_BYTES)
  new DataView(out.buffer).setUint32(0, count)
  out.set(root, 4)
  return out
}

/** A Merkle tree over receipt headers: its root and each leaf's proof. */
export interface ReceiptTree {
  readonly root: Uint8Array
  readonly proofs: Uint8Array[]
}

/** Build the tree of 2..{@link MAX_RECEIPT_BATCH} receipt headers. */
export function receiptTree (headers: readonly Uint8Array[]): ReceiptTree {
  const count = headers.length
  if (count < 2 || count > MAX_RECEIPT_BATCH) throw new RangeError(`a receipt batch holds 2 to ${MAX_RECEIPT_BATCH} receipts`)
  const levels: Uint8Array[][] = [headers.map(leafHash)]
  for (let level = levels[0] as Uint8Array[]; level.length > 1;) {
    const up: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Uint8Array
      const right = level[i + 1]
      up.push(right === undefined ? left : nodeHash(left, right))
    }
    levels.push(up)
    level = up
  }
  const root = (levels[levels.length - 1] as Uint8Array[])[0] as Uint8Array
  const proofs = headers.map((_, index) => {
    const proof = new Uint8Array(PROOF_HEAD_BYTES + siblingCount(index, count) * HASH_BYTES)
    writeU32(proof, 0, index)
    writeU32(proof, 4, count)
    let at = PROOF_HEAD_BYTES
    let i = index
    for (let l = 0; l < levels.length - 1; l++, i >>= 1) {
      const sibling = (levels[l] as Uint8Array[])[i % 2 === 1 ? i - 1 : i + 1]
      if (sibling === undefined) continue
      proof.set(sibling, at)
      at += HASH_BYTES
    }
    return proof
  })
  return { root, proofs }
}

function writeU32 (out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24
  out[at + 1] = (n >>> 16) & 0xff
  out[at + 2] = (n >>> 8) & 0xff
  out[at + 3] = n & 0xff
}

/** Siblings a proof for leaf `index` of `count` carries. */
function siblingCount (index: number, count: number): number {
  let n = 0
  for (let i = index, size = count; size > 1; i >>= 1, size = (size + 1) >> 1) {
    if (i % 2 === 1 || i + 1 < size) n++
  }
  return n
}

/** Whether `proof` is well formed: index < count, 2 ≤ count ≤ {@link MAX_RECEIPT_BATCH}, exact length. */
export function isReceiptProof (proof: Uint8Array): boolean {
  if (proof.length < PROOF_HEAD_BYTES) return false
  const view = new DataView(proof.buffer, proof.byteOffset, proof.byteLength)
  const index = view.getUint32(0)
  const count = view.getUint32(4)
  if (count < 2 || count > MAX_RECEIPT_BATCH || index >= count) return false
  return proof.length === PROOF_HEAD_BYTES + siblingCount(index, count) * HASH_BYTES
}

/**
 * The bytes the batch signature must cover for this receipt header and (well-formed) proof:
 * the count and the root recomputed from the header up.
 */
export function proofSignedMessage (headerBytes: Uint8Array, proof: Uint8Array): Uint8Array {
  const view = new DataView(proof.buffer, proof.byteOffset, proof.byteLength)
  const count = view.getUint32(4)
  let hash = leafHash(headerBytes)
  let offset = PROOF_HEAD_BYTES
  for (let i = view.getUint32(0), size = count; size > 1; i >>= 1, size = (size + 1) >> 1) {
    if (i % 2 === 1) {
      hash = nodeHash(proof.subarray(offset, offset + HASH_BYTES), hash)
      offset += HASH_BYTES
    } else if (i + 1 < size) {
      hash = nodeHash(hash, proof.subarray(offset, offset + HASH_BYTES))
      offset += HASH_BYTES
    }
  }
  return batchSignedMessage(count, hash)
}

/** Position of a tree node: level (0 = leaves) and index in its level (count ≤ 1024 < 2^11). */
const position = (level: number, index: number): number => level * 2048 + index

/**
 * The receipts of one batch whose signature (over `count` and `root`) the caller has verified:
 * each further receipt's proof is checked against the tree nodes already proven, so that the
 * receipts of a batch cost about two hashes each instead of a whole path (about ten for a full
 * batch). A proof is accepted exactly when {@link proofSignedMessage} would lead it to this root:
 * where its path meets a proven node, the hash must equal that node and every sibling above must
 * equal the proven sibling (so the stored receipt still verifies on its own).
 */
export class ReceiptBatchProofs {
  readonly count: number
  readonly root: Uint8Array
  // Nodes on paths that led to the root (and their siblings), by position.
  readonly #proven = new Map<number, Uint8Array>()

  /** `signedMessage`: the verified `count ‖ root` (see {@link batchSignedMessage}). */
  constructor (signedMessage: Uint8Array) {
    if (signedMessage.length !== 4 + HASH_BYTES) throw new RangeError('not a batch signed message')
    this.count = ((signedMessage[0] ?? 0) * 2 ** 24) + ((signedMessage[1] ?? 0) << 16) + ((signedMessage[2] ?? 0) << 8) + (signedMessage[3] ?? 0)
    if (this.count < 2 || this.count > MAX_RECEIPT_BATCH) throw new RangeError('not a batch signed message')
    this.root = signedMessage.slice(4)
  }

  /** Whether `headerBytes` with its (well-formed, see {@link isReceiptProof}) `proof` belongs to this batch. */
  includes (headerBytes: Uint8Array, proof: Uint8Array): boolean {
    if (!isReceiptProof(proof)) return false
    const view = new DataView(proof.buffer, proof.byteOffset, proof.byteLength)
    if (view.getUint32(4) !== this.count) return false
    const path: Array<[number, Uint8Array]> = []
    let hash = leafHash(headerBytes)
    let offset = PROOF_HEAD_BYTES
    let level = 0
    let meets = false
    for (let i = view.getUint32(0), size = this.count; size > 1; i >>= 1, size = (size + 1) >> 1, level++) {
      const here = this.#proven.get(position(level, i))
      if (here !== undefined && !meets) {
        if (!bytesEqual(here, hash)) return false
        meets = true
      }
      const sideIndex = i % 2 === 1 ? i - 1 : i + 1
      if (sideIndex >= size) continue
      const sibling = proof.subarray(offset, offset + HASH_BYTES)
      offset += HASH_BYTES
      if (meets) {
        // Above a proven node, the proof must carry the proven siblings.
        const proven = this.#proven.get(position(level, sideIndex))
        if (proven === undefined || !bytesEqual(proven, sibling)) return false
        continue
      }
      path.push([position(level, i), hash], [position(level, sideIndex), sibling.slice()])
      hash = i % 2 === 1 ? nodeHash(sibling, hash) : nodeHash(hash, sibling)
    }
    if (!meets && !bytesEqual(this.root, hash)) return false
    for (const [at, node] of path) this.#proven.set(at, node)
    return true
  }
}
