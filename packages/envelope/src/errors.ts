/**
 * Stable error codes of @lienthong/envelope. Never rename a released code.
 *
 * Thrown (as `LienthongError`) by the builders and decoders for malformed or out-of-bounds
 * input; the `*-bad-signature`, `*-wrong-*`, `envelope-expired` and `envelope-from-future`
 * codes are also returned in a failed `VerifyResult`.
 */
export const EnvelopeErrorCode = {
  /** Not the CBOR structure of an envelope (framing, non-canonical CBOR, unknown header key, ...). */
  MALFORMED: 'envelope-malformed',
  /** Header or payload larger than the limit (`meta.what` is `header` or `payload`). */
  TOO_LARGE: 'envelope-too-large',
  /** A header field is missing, of the wrong type or out of its rules (`meta.field` names it). */
  BAD_FIELD: 'envelope-bad-field',
  /** An organisation code is not in the national format (`meta.field`: `senderOrg` or `recipients`). */
  BAD_ORG_CODE: 'envelope-bad-org-code',
  /** No recipient, or more than `MAX_RECIPIENTS` (or the caller's limit). */
  TOO_MANY_RECIPIENTS: 'envelope-too-many-recipients',
  /** A timestamp is out of bounds, or the expiry is not after creation or too far (`meta.field`). */
  BAD_TIME: 'envelope-bad-time',
  /** The header version is not one this code understands. */
  UNSUPPORTED_VERSION: 'envelope-unsupported-version',
  /** The payload does not match the header's hash or length. */
  PAYLOAD_MISMATCH: 'envelope-payload-mismatch',
  /** The signature does not verify over the received header bytes. */
  BAD_SIGNATURE: 'envelope-bad-signature',
  /** The envelope expired (now ≥ expiresAt). */
  EXPIRED: 'envelope-expired',
  /** createdAt is later than now plus the tolerated clock skew. */
  FROM_FUTURE: 'envelope-from-future',
  /** The sender node key is not the one expected (e.g. not the authenticated peer). */
  WRONG_SENDER: 'envelope-wrong-sender',
  /** Not the CBOR structure of a receipt. */
  RECEIPT_MALFORMED: 'receipt-malformed',
  /** A receipt header field is missing, of the wrong type or out of bounds (`meta.field`). */
  RECEIPT_BAD_FIELD: 'receipt-bad-field',
  /** The receipt version is not one this code understands. */
  RECEIPT_UNSUPPORTED_VERSION: 'receipt-unsupported-version',
  /** The receipt signature does not verify. */
  RECEIPT_BAD_SIGNATURE: 'receipt-bad-signature',
  /** The receipt answers another envelope (id or digest differs). */
  RECEIPT_WRONG_ENVELOPE: 'receipt-wrong-envelope',
  /** The receipt was signed by another node than the one expected. */
  RECEIPT_WRONG_SIGNER: 'receipt-wrong-signer'
} as const

export type EnvelopeErrorCode = typeof EnvelopeErrorCode[keyof typeof EnvelopeErrorCode]
