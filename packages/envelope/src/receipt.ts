import { LienthongError, isLienthongError } from '@lienthong/errors'
import { ED25519_PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, sign, verify, type NodeKey } from '@lienthong/crypto'
import { decodeCanonicalMap, encodeMap, fieldsToMap, mapToFields } from './cbor.js'
import { MAX_RECEIPT_BYTES, RECEIPT_DOMAIN, RECEIPT_VERSION, ReceiptKey } from './constants.js'
import type { SignedEnvelope } from './envelope.js'
import { EnvelopeErrorCode } from './errors.js'
import { bytesEqual, isBytes, isHash, isTimestamp, isUlid } from './fields.js'
import { FrameError, readFrame, writeFrame } from './frame.js'
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

/** A signed receipt: typed header, exact header bytes and the 64-byte signature. */
export interface SignedReceipt {
  readonly header: ReceiptHeader
  readonly headerBytes: Uint8Array
  readonly signature: Uint8Array
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
  if (!(env?.headerBytes instanceof Uint8Array)) throw new TypeError('env must be a signed envelope')
  if (!(key?.publicKey instanceof Uint8Array)) throw new TypeError('key must be a NodeKey')
  const header = checkReceiptHeader({
    version: RECEIPT_VERSION,
    envelopeId: env.header.id,
    envelopeDigest: envelopeDigest(env),
    receivedAt: opts.now ?? Date.now(),
    receiverNode: Uint8Array.from(key.publicKey)
  })
  const headerBytes = encodeMap(fieldsToMap(header as unknown as Record<string, unknown>, ReceiptKey))
  return { header, headerBytes, signature: sign(key, RECEIPT_DOMAIN, headerBytes) }
}

/** The wire bytes: `[headerBytes, signature]` (canonical CBOR). */
export function encodeReceipt (receipt: SignedReceipt): Uint8Array {
  return writeFrame([receipt.headerBytes, receipt.signature])
}

function malformed (reason: string, meta: Record<string, string | number> = {}): LienthongError {
  return new LienthongError(EnvelopeErrorCode.RECEIPT_MALFORMED, `malformed receipt: ${reason}`, { reason, ...meta })
}

/** Decode receipt bytes strictly; only typed `receipt-*` errors escape. Does not verify. */
export function decodeReceipt (bytes: Uint8Array): DecodedReceipt {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  if (bytes.length > MAX_RECEIPT_BYTES) throw malformed('too large', { size: bytes.length, limit: MAX_RECEIPT_BYTES })
  try {
    const [headerView, signatureView] = readFrame(bytes, 2, false, (index, length) => {
      if (index === 1 && length !== SIGNATURE_LENGTH) throw malformed('signature length', { length })
    })
    if (headerView == null || signatureView == null) throw malformed('frame')
    let map: Map<unknown, unknown>
    try {
      map = decodeCanonicalMap(headerView)
    } catch (err) {
      throw malformed(`header: ${err instanceof Error ? err.message : 'not CBOR'}`.slice(0, 200))
    }
    const { fields, unknownKey } = mapToFields(map, ReceiptKey)
    if (unknownKey !== undefined) throw malformed('unknown header key', { key: unknownKey })
    const header = checkReceiptHeader(fields)
    return { header, headerBytes: Uint8Array.from(headerView), signature: Uint8Array.from(signatureView) }
  } catch (err) {
    if (isLienthongError(err)) throw err
    if (err instanceof FrameError) throw malformed(err.message)
    throw malformed('unexpected structure')
  }
}

/**
 * Verify a receipt: the expected signer and envelope first (id and digest), then the ed25519
 * signature of the receiving node over the exact received header bytes.
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
    signed = verify(header.receiverNode, RECEIPT_DOMAIN, receipt.headerBytes, receipt.signature)
  } catch {
    signed = false
  }
  return signed ? { ok: true } : { ok: false, code: EnvelopeErrorCode.RECEIPT_BAD_SIGNATURE, reason: 'receipt signature does not verify' }
}
