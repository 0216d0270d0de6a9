/**
 * Wire constants of the Envelope and the Receipt (version 1).
 *
 * Both are CBOR (RFC 8949), encoded deterministically by cborg: a header map with small integer
 * keys, signed as exact bytes, wrapped in a fixed array.
 *
 * ```
 * envelope = [ headerBytes: bstr, signature: bstr(64), payload: bstr / null ]
 * receipt  = [ headerBytes: bstr, signature: bstr(64) ]
 *          / [ headerBytes: bstr, signature: bstr(64), proof: bstr ]   // signed as a batch, receipt-batch.ts
 * signature = ed25519(sender key, signedBytes(domain, headerBytes))   // @lienthong/crypto
 * ```
 *
 * Envelope header keys (a CBOR map, every key required unless marked optional):
 *
 * | key | field          | CBOR type | rule |
 * | --: | -------------- | --------- | ---- |
 * |   0 | version        | uint      | 1 |
 * |   1 | id             | tstr      | ULID, 26 chars, canonical upper case |
 * |   2 | kind           | tstr      | `document` or `status` |
 * |   3 | senderOrg      | tstr      | organisation code ({@link ORG_CODE_MAX_LENGTH}) |
 * |   4 | senderNode     | bstr(32)  | ed25519 public key of the sending node |
 * |   5 | recipients     | [+ tstr]  | 1..{@link MAX_RECIPIENTS} organisation codes, no duplicates |
 * |   6 | createdAt      | uint      | ms since epoch |
 * |   7 | expiresAt      | uint      | ms since epoch, > createdAt, ≤ createdAt + {@link MAX_TTL_MS} |
 * |   8 | reference      | tstr      | optional ULID of the envelope answered; required for `status` |
 * |   9 | contentType    | tstr      | MIME type, ≤ {@link CONTENT_TYPE_MAX_LENGTH} chars |
 * |  10 | payloadHash    | bstr(32)  | SHA-256 of the sealed payload bytes |
 * |  11 | payloadLength  | uint      | length of the sealed payload, ≤ Number.MAX_SAFE_INTEGER |
 *
 * Receipt header keys:
 *
 * | key | field          | CBOR type | rule |
 * | --: | -------------- | --------- | ---- |
 * |   0 | version        | uint      | 1 |
 * |   1 | envelopeId     | tstr      | ULID of the envelope received |
 * |   2 | envelopeDigest | bstr(32)  | SHA-256 of the envelope's headerBytes (commits to its payload hash) |
 * |   3 | receivedAt     | uint      | ms since epoch |
 * |   4 | receiverNode   | bstr(32)  | ed25519 public key of the receiving node (the signer) |
 *
 * @packageDocumentation
 */

/** Envelope format version written and accepted. */
export const ENVELOPE_VERSION = 1
/** Receipt format version written and accepted. */
export const RECEIPT_VERSION = 1

/** Signature domain of envelope headers. */
export const ENVELOPE_DOMAIN = 'lienthong/envelope/v1'
/** Signature domain of receipt headers. */
export const RECEIPT_DOMAIN = 'lienthong/receipt/v1'
/** Signature domain of a batch of receipts (count and Merkle root of their headers). */
export const RECEIPT_BATCH_DOMAIN = 'lienthong/receipt-batch/v1'
/** Most receipts under one batch signature (a proof then holds at most 10 hashes). */
export const MAX_RECEIPT_BATCH = 1024

/** Integer keys of the envelope header map (see the table above). Never renumber. */
export const EnvelopeKey = {
  version: 0,
  id: 1,
  kind: 2,
  senderOrg: 3,
  senderNode: 4,
  recipients: 5,
  createdAt: 6,
  expiresAt: 7,
  reference: 8,
  contentType: 9,
  payloadHash: 10,
  payloadLength: 11
} as const

/** Integer keys of the receipt header map. Never renumber. */
export const ReceiptKey = {
  version: 0,
  envelopeId: 1,
  envelopeDigest: 2,
  receivedAt: 3,
  receiverNode: 4
} as const

/** Envelope kinds understood by version 1; anything else is refused. */
export const ENVELOPE_KINDS = ['document', 'status'] as const

/** Most recipient organisations one envelope may address. */
export const MAX_RECIPIENTS = 500
/** Longest lifetime of an envelope: 90 days. */
export const MAX_TTL_MS = 90 * 24 * 60 * 60 * 1000
/** Lifetime used when the caller gives neither `expiresAt` nor `ttlMs`: 7 days of retries. */
export const DEFAULT_TTL_MS = 7 * 24 * 60 * 60 * 1000
/** Earliest timestamp accepted: 2020-01-01T00:00:00Z (no envelope predates the network). */
export const MIN_TIMESTAMP_MS = Date.UTC(2020, 0, 1)
/** Timestamps must be earlier than 2200-01-01T00:00:00Z (catches seconds/µs mix-ups). */
export const MAX_TIMESTAMP_MS = Date.UTC(2200, 0, 1)

/** Longest MIME content type, in characters. */
export const CONTENT_TYPE_MAX_LENGTH = 255
/** Length of the SHA-256 payload hash and of digests. */
export const HASH_LENGTH = 32
/** Length of a ULID string. */
export const ULID_LENGTH = 26

/** Default cap on the encoded envelope header (64 KiB; 500 recipients take about 18 KiB). */
export const DEFAULT_MAX_HEADER_BYTES = 64 * 1024
/** Default cap on a payload (100 MiB); nodes set their own `maxPayloadBytes`. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 100 * 1024 * 1024
/** Tolerated clock difference when checking `createdAt` against the local clock (5 minutes). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
/** An encoded receipt is about 150 bytes (under 560 with a batch proof); anything past this is refused before decoding. */
export const MAX_RECEIPT_BYTES = 1024
