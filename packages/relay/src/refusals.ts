import { EnvelopeErrorCode } from '@lienthong/envelope'

/**
 * Reason codes a receiving relay sends back for an envelope it refuses (on top of the
 * envelope package's `envelope-*` codes and the protocol's `delivery-*` codes). Stable: they
 * travel on the wire, label metrics and show in the sender's outbox.
 */
export const RefusalCode = {
  /** The envelope's sender node is not the authenticated peer that delivered it. */
  WRONG_SENDER: EnvelopeErrorCode.WRONG_SENDER,
  /** The delivering peer is not in this node's registry (it may be behind: the sender retries). */
  SENDER_UNKNOWN: 'sender-unknown',
  /** The delivering peer is suspended. */
  SENDER_SUSPENDED: 'sender-suspended',
  /** The delivering peer is revoked. */
  SENDER_REVOKED: 'sender-revoked',
  /** Trial nodes exchange only with trial nodes, official with official. */
  SENDER_NOT_ALLOWED: 'sender-not-allowed',
  /** The envelope's sender organisation is not hosted by the delivering peer. */
  SENDER_ORG_NOT_HOSTED: 'sender-org-not-hosted',
  /** No recipient of the envelope is hosted by this node. */
  NOT_A_RECIPIENT: 'not-a-recipient',
  /** Header, signature and payload exceed the registry's maxEnvelopeBytes. */
  ENVELOPE_TOO_LARGE: EnvelopeErrorCode.TOO_LARGE,
  /** This node is itself suspended, revoked or not admitted: it takes nothing for now. */
  RECEIVER_NOT_ACTIVE: 'receiver-not-active',
  /** A status envelope whose payload is not a sealed `{code, note?}` with a national code. */
  STATUS_MALFORMED: 'status-malformed',
  /** A status about a document this node did not send to the delivering peer. */
  STATUS_UNKNOWN_REFERENCE: 'status-unknown-reference'
} as const

export type RefusalCode = typeof RefusalCode[keyof typeof RefusalCode]

/** Outbox failure reason of a delivery given up at the envelope's expiry. */
export const DELIVERY_EXPIRED = 'delivery-expired'
/** Outbox reason of an attempt whose receipt did not verify (retried). */
export const RECEIPT_INVALID = 'receipt-invalid'

/**
 * Refusals that no retry can cure: the envelope itself is bad, or the receiver's answer is
 * final. Everything else (unknown sender, the receiver's registry behind, clock skew, stream and
 * dial failures) is retried with backoff until the envelope expires.
 */
const PERMANENT = new Set<string>([
  EnvelopeErrorCode.MALFORMED,
  EnvelopeErrorCode.TOO_LARGE,
  EnvelopeErrorCode.BAD_FIELD,
  EnvelopeErrorCode.BAD_ORG_CODE,
  EnvelopeErrorCode.TOO_MANY_RECIPIENTS,
  EnvelopeErrorCode.BAD_TIME,
  EnvelopeErrorCode.UNSUPPORTED_VERSION,
  EnvelopeErrorCode.PAYLOAD_MISMATCH,
  EnvelopeErrorCode.BAD_SIGNATURE,
  EnvelopeErrorCode.EXPIRED,
  EnvelopeErrorCode.WRONG_SENDER,
  RefusalCode.NOT_A_RECIPIENT,
  RefusalCode.SENDER_REVOKED,
  RefusalCode.STATUS_MALFORMED,
  RefusalCode.STATUS_UNKNOWN_REFERENCE,
  'delivery-detached-unsupported',
  'delivery-payload-overrun'
])

/** True when a receiver's refusal code means "never deliverable": mark the delivery failed. */
export function isPermanentRefusal (code: string): boolean {
  return PERMANENT.has(code)
}
