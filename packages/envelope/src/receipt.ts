import { LienthongError, isLienthongError } from '@lienthong/errors'
import { ED25519_PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, sign, verify, type NodeKey } from '@lienthong/crypto'
import { decodeCanonicalMap, encodeMap, mapToFields } from './cbor.js'
import { MAX_RECEIPT_BATCH, MAX_RECEIPT_BYTES, RECEIPT_BATCH_DOMAIN, RECEIPT_DOMAIN, RECEIPT_VERSION, ReceiptKey } from './constants.js'
import type { SignedEnvelope } from './envelope.js'
import { EnvelopeErrorCode } from './errors.js'
import { bytesEqual, isBytes, isHash, isTimestamp, isUlid } from './fields.js'
import { FrameError, readFrame, writeFrame } from './frame.js'
import { batchSignedMessage, isReceiptProof, proofSignedMessage, receiptTree } from './receipt-batch.js'
import { envelopeDigest, type VerifyResult } from './verify.js'

/** The signed header of a receipt (see the key table in constants.ts). */
export interface ReceiptHeader {
  readonly version: typeof RECEIPT_VERSION
  /** Id of the envelope received. */
  readonly envelopeId: string
  /** SHA-256 of the envelope's header bytes (commits to its payload hash and length). */
  readonly envelopeDigest: Uint8Array
  /** When the receiving node persisted the envelope (ms since epoch). */
  readonly receivedAt: number
  /** ed25519 public key of the receiving node, which signs the receipt. */
  readonly receiverNode: Uint8Array
}

/**
 * A signed receipt: typed header, exact header bytes and the 64-byte signature; with `proof`, the
 * signature is the batch signature and `proof` places this header in the batch (receipt-batch.ts).
 */
export interface SignedReceipt {
  readonly header: ReceiptHeader
  readonly headerBytes: Uint8Array
  readonly signature: Uint8Array
  readonly proof?: Uint8Array
}

/** A receipt read from the wire (`headerBytes` and `signature` as received). */
export type DecodedReceipt = SignedReceipt

/** Options of {@link verifyReceipt}. */
export interface VerifyReceiptOptions {
  /** Refuse unless the receipt answers exactly this envelope (id and header digest). */
  expectedEnvelope?: SignedEnvelope
  /** Refuse unless signed by this node key. */
  expectedSigner?: Uint8Array
}

function bad (field: string, message: string): LienthongError {
  return new LienthongError(EnvelopeErrorCode.RECEIPT_BAD_FIELD, message, { field })
}

function checkReceiptHeader (f: Readonly<Record<string, unknown>>): ReceiptHeader {
  if (f.version !== RECEIPT_VERSION) {
    throw new LienthongError(EnvelopeErrorCode.RECEIPT_UNSUPPORTED_VERSION, 'unsupported receipt version', { field: 'version', version: typeof f.version === 'number' ? f.version : String(f.version) })
  }
  if (!isUlid(f.envelopeId)) throw bad('envelopeId', 'envelopeId must be a ULID')
  if (!isHash(f.envelopeDigest)) throw bad('envelopeDigest', 'envelopeDigest must be 32 bytes')
  if (!isTimestamp(f.receivedAt)) throw bad('receivedAt', 'receivedAt must be a timestamp within bounds')
  if (!isBytes(f.receiverNode, ED25519_PUBLIC_KEY_LENGTH)) throw bad('receiverNode', 'receiverNode must be a 32-byte public key')
  return { version: RECEIPT_VERSION, envelopeId: f.envelopeId, envelopeDigest: f.envelopeDigest, receivedAt: f.receivedAt, receiverNode: f.receiverNode }
}

/**
 * Sign a receipt for an envelope this node has persisted: it commits to the envelope's id and the
 * digest of its exact header bytes, and so to the payload hash.
 */
export function createReceipt (env: SignedEnvelope, key: NodeKey, opts: { now?: number } = {}): SignedReceipt {
  const { header, headerBytes } = receiptHeader(env, receiverNodeOf(key), opts.now ?? Date.now())
  return { header, headerBytes, signature: sign(key, RECEIPT_DOMAIN, headerBytes) }
}

/** A copy of the signing node's public key, for the `receiverNode` of its receipts. */
function receiverNodeOf (key: NodeKey): Uint8Array {
  if (!(key?.publicKey instanceof Uint8Array)) throw new TypeError('key must be a NodeKey')
  return Uint8Array.from(key.publicKey)
}

function receiptHeader (env: SignedEnvelope, receiverNode: Uint8Array, now: number): { header: ReceiptHeader, headerBytes: Uint8Array } {
  if (!(env?.headerBytes instanceof Uint8Array)) throw new TypeError('env must be a signed envelope')
  const header = checkReceiptHeader({
    version: RECEIPT_VERSION,
    envelopeId: env.header.id,
    envelopeDigest: envelopeDigest(env),
    receivedAt: now,
    receiverNode
  })
  return { header, headerBytes: encodeReceiptHeader(header) }
}

/** The canonical header bytes (keys in ReceiptKey order: ascending, as the encoding requires). */
function encodeReceiptHeader (header: ReceiptHeader): Uint8Array {
  return encodeMap(new Map<number, unknown>()
    .set(ReceiptKey.version, header.version)
    .set(ReceiptKey.envelopeId, header.envelopeId)
    .set(ReceiptKey.envelopeDigest, header.envelopeDigest)
    .set(ReceiptKey.receivedAt, header.receivedAt)
    .set(ReceiptKey.receiverNode, header.receiverNode))
}

/**
 * Receipts for several persisted envelopes (in order) under one signature per
 * {@link MAX_RECEIPT_BATCH} of them: each carries a Merkle proof and verifies on its own with
 * {@link verifyReceipt}, exactly as one from {@link createReceipt} (which a batch of one is).
 * The receipts of one call share one copy of the receiver's key as `header.receiverNode`.
 */
export function createReceipts (envs: readonly SignedEnvelope[], key: NodeKey, opts: { now?: number } = {}): SignedReceipt[] {
  const list = envs // Array.isArray would narrow envs to any[]
  if (!Array.isArray(envs)) throw new TypeError('envs must be an array')
  const now = opts.now ?? Date.now()
  const out: SignedReceipt[] = []
  if (list.length === 0) return out
  const receiverNode = receiverNodeOf(key)
  for (let start = 0; start < list.length; start += MAX_RECEIPT_BATCH) {
    const part = list.slice(start, start + MAX_RECEIPT_BATCH)
    if (part.length === 1) {
      out.push(createReceipt(part[0] as SignedEnvelope, key, { now }))
      continue
    }
    const headers = part.map(env => receiptHeader(env, receiverNode, now))
    const { root, proofs } = receiptTree(headers.map(h => h.headerBytes))
    const signature = sign(key, RECEIPT_BATCH_DOMAIN, batchSignedMessage(part.length, root))
    headers.forEach(({ header, headerBytes }, i) => { out.push({ header, headerBytes, signature, proof: proofs[i] }) })
  }
  return out
}

/** The wire bytes: `[headerBytes, signature]`, or `[headerBytes, signature, proof]` (canonical CBOR). */
export function encodeReceipt (receipt: SignedReceipt): Uint8Array {
  return writeFrame(receipt.proof === undefined ? [receipt.headerBytes, receipt.signature] : [receipt.headerBytes, receipt.signature, receipt.proof])
}

/**
 * The bytes and domain the receipt's signature covers: its header bytes, or for a batched
 * receipt the batch's count and the root its proof leads to. `receipt-malformed` for a bad proof.
 */
export function receiptSignedMessage (receipt: Pick<SignedReceipt, 'headerBytes' | 'proof'>): { domain: string, message: Uint8Array } {
  if (receipt.proof === undefined) return { domain: RECEIPT_DOMAIN, message: receipt.headerBytes }
  if (!isReceiptProof(receipt.proof)) throw malformed('proof')
  return { domain: RECEIPT_BATCH_DOMAIN, message: proofSignedMessage(receipt.headerBytes, receipt.proof) }
}

function malformed (reason: string, meta: Record<string, string | number> = {}): LienthongError {
  return new LienthongError(EnvelopeErrorCode.RECEIPT_MALFORMED, `malformed receipt: ${reason}`, { reason, ...meta })
}

/** Options of {@link decodeReceipt}. */
export interface DecodeReceiptOptions {
  /**
   * Return `headerBytes`, `signature` and `proof` as views into `bytes` instead of copies (no
   * allocation each): for a receipt checked and dropped at once, not kept.
   */
  views?: boolean
}

/** Decode receipt bytes strictly; only typed `receipt-*` errors escape. Does not verify. */
export function decodeReceipt (bytes: Uint8Array, options: DecodeReceiptOptions = {}): DecodedReceipt {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  if (bytes.length > MAX_RECEIPT_BYTES) throw malformed('too large', { size: bytes.length, limit: MAX_RECEIPT_BYTES })
  try {
    // 0x83: an array of three, a batched receipt with its proof.
    const [headerView, signatureView, proofView] = readFrame(bytes, bytes[0] === 0x83 ? 3 : 2, false, (index, length) => {
      if (index === 1 && length !== SIGNATURE_LENGTH) throw malformed('signature length', { length })
    })
    if (headerView == null || signatureView == null || proofView === null) throw malformed('frame')
    if (proofView !== undefined && !isReceiptProof(proofView)) throw malformed('proof')
    let map: Map<unknown, unknown>
    try {
      map = decodeCanonicalMap(headerView)
    } catch (err) {
      throw malformed(`header: ${err instanceof Error ? err.message : 'not CBOR'}`.slice(0, 200))
    }
    const { fields, unknownKey } = mapToFields(map, ReceiptKey)
    if (unknownKey !== undefined) throw malformed('unknown header key', { key: unknownKey })
    const header = checkReceiptHeader(fields)
    const copy = options.views === true ? (view: Uint8Array) => view : (view: Uint8Array) => Uint8Array.from(view)
    const receipt = { header, headerBytes: copy(headerView), signature: copy(signatureView) }
    return proofView === undefined ? receipt : { ...receipt, proof: copy(proofView) }
  } catch (err) {
    if (isLienthongError(err)) throw err
    if (err instanceof FrameError) throw malformed(err.message)
    throw malformed('unexpected structure')
  }
}

/**
 * Verify a receipt: the expected signer and envelope first (id and digest), then the ed25519
 * signature of the receiving node over the exact received header bytes (for a batched receipt,
 * over the batch root that its proof leads to from those bytes).
 */
export function verifyReceipt (receipt: SignedReceipt, opts: VerifyReceiptOptions = {}): VerifyResult {
  const { header } = receipt
  if (opts.expectedSigner !== undefined && !bytesEqual(opts.expectedSigner, header.receiverNode)) {
    return { ok: false, code: EnvelopeErrorCode.RECEIPT_WRONG_SIGNER, reason: 'receipt signed by another node' }
  }
  const env = opts.expectedEnvelope
  if (env !== undefined && (env.header.id !== header.envelopeId || !bytesEqual(envelopeDigest(env), header.envelopeDigest))) {
    return { ok: false, code: EnvelopeErrorCode.RECEIPT_WRONG_ENVELOPE, reason: 'receipt answers another envelope' }
  }
  let signed: boolean
  try {
    const { domain, message } = receiptSignedMessage(receipt)
    signed = verify(header.receiverNode, domain, message, receipt.signature)
  } catch {
    signed = false
  }
  return signed ? { ok: true } : { ok: false, code: EnvelopeErrorCode.RECEIPT_BAD_SIGNATURE, reason: 'receipt signature does not verify' }
}
