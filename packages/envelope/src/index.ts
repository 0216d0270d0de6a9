/**
 * The two signed wire objects of Lienthong: the Envelope (a document or a status, from one node to
 * recipient organisations) and the Receipt (the receiving node's signed acknowledgement).
 *
 * - Compact, deterministic CBOR (cborg): a header map with small integer keys, signed as exact
 *   bytes under a domain (`lienthong/envelope/v1`, `lienthong/receipt/v1`), never re-encoded to
 *   verify.
 * - Strict decoders: one canonical form, size limits checked from length prefixes, only typed
 *   `envelope-*` / `receipt-*` errors for any input.
 * - Verification returns a result with a stable reason code.
 *
 * @example
 * ```ts
 * import { createEnvelope, encodeEnvelope, decodeEnvelope, verifyEnvelope, createReceipt } from '@lienthong/envelope'
 * const env = createEnvelope({ kind: 'document', senderOrg: '000.00.00.G01', recipients: ['000.00.00.H29'],
 *   contentType: 'application/pdf' }, key, sealedBytes)
 * const wire = encodeEnvelope(env)
 * const received = decodeEnvelope(wire, { maxPayloadBytes })
 * const result = verifyEnvelope(received, { expectedSender: peerPublicKey })
 * if (result.ok) receipt = createReceipt(received, myKey)
 * ```
 *
 * @packageDocumentation
 */
export * from './constants.js'
export { EnvelopeErrorCode } from './errors.js'
export { ORG_CODE_MAX_LENGTH, ORG_CODE_PATTERN, STANDARD_ORG_CODE_PATTERN, isOrgCode, isStandardOrgCode } from './org-code.js'
export { ULID_PATTERN, CONTENT_TYPE_PATTERN, isUlid, isContentType } from './fields.js'
export { DEFAULT_ENVELOPE_LIMITS, type EnvelopeHeader, type EnvelopeKind, type EnvelopeLimits } from './header.js'
export {
  createEnvelope, encodeEnvelope, decodeEnvelope,
  type EnvelopeInit, type DetachedPayload, type CreateEnvelopeOptions, type SignedEnvelope, type DecodedEnvelope,
  type EncodeEnvelopeOptions, type DecodeEnvelopeOptions
} from './envelope.js'
export { verifyEnvelope, verifyPayload, envelopeDigest, type VerifyResult, type VerifyEnvelopeOptions } from './verify.js'
export {
  createReceipt, createReceipts, encodeReceipt, decodeReceipt, verifyReceipt, receiptSignedMessage,
  type ReceiptHeader, type SignedReceipt, type DecodedReceipt, type VerifyReceiptOptions, type DecodeReceiptOptions
} from './receipt.js'
export { ReceiptBatchProofs } from './receipt-batch.js'
