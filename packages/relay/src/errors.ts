/** Stable error codes of @lienthong/relay (HTTP status in brackets, as the node API maps them). */
export const RelayErrorCode = {
  /** [422] A recipient code is not in the registry. */
  UNKNOWN_RECIPIENT: 'unknown-recipient',
  /** [422] No admitted node hosts a recipient (or its successor). */
  RECIPIENT_UNREACHABLE: 'recipient-unreachable',
  /** [422] The node hosting a recipient is suspended. */
  RECIPIENT_SUSPENDED: 'recipient-suspended',
  /** [422] The node hosting a recipient is revoked. */
  RECIPIENT_REVOKED: 'recipient-revoked',
  /** [422] Trial nodes exchange only with trial nodes, official with official. */
  RECIPIENT_NOT_ALLOWED: 'recipient-not-allowed',
  /** [422] `from` is not hosted by this node. */
  SENDER_NOT_HOSTED: 'sender-not-hosted',
  /** [422] This node is not admitted, or is suspended or revoked: it cannot send. */
  NODE_NOT_ACTIVE: 'node-not-active',
  /** [400] A field is malformed (meta.field names it). */
  BAD_REQUEST: 'bad-request',
  /** [413] The payload is larger than maxPayloadBytes or the network's maxEnvelopeBytes. */
  PAYLOAD_TOO_LARGE: 'payload-too-large',
  /** [404] No such outbox or inbox entry. */
  NOT_FOUND: 'not-found',
  /** [422] A status code outside the national list (01, 02, 03, 04, 05, 06, 13, 15, 16). */
  BAD_STATUS_CODE: 'bad-status-code',
  /** [409] A status about a status. */
  NOT_A_DOCUMENT: 'not-a-document'
} as const

export type RelayErrorCode = typeof RelayErrorCode[keyof typeof RelayErrorCode]
