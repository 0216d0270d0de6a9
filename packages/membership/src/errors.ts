/** Stable error codes of @lienthong/membership. Never rename a released code. */
export const MembershipErrorCode = {
  /** A field of a request is missing, malformed or out of bounds; `meta.field` names it. */
  BAD_REQUEST: 'membership-bad-request',
  /** The signature is not the node key's over these exact bytes. */
  BAD_SIGNATURE: 'membership-bad-signature',
  /** `createdAt` is outside the freshness window (`meta.createdAt`, `meta.now`, `meta.maxSkewMs`). */
  STALE: 'membership-stale',
  /** The request names another network. */
  WRONG_NETWORK: 'membership-wrong-network',
  /** The PeerId is not the key's, or an address names another PeerId (`meta.field`). */
  PEER_MISMATCH: 'membership-peer-mismatch',
  /** The same nonce was seen before, or the peer already has a pending request (`meta.reason`). */
  DUPLICATE: 'membership-duplicate',
  /** A join request from a peer the registry already lists (in any state). */
  ALREADY_ADMITTED: 'membership-already-admitted',
  /** A pause request from a peer that is not trial or official (`meta.state`, null if unknown). */
  NOT_ACTIVE: 'membership-not-active',
  /** The request was already decided: it can no longer be assessed, checked, approved or rejected. */
  NOT_PENDING: 'membership-not-pending',
  /** No request with this id. */
  NOT_FOUND: 'membership-not-found',
  /** A declared service id already belongs to an organisation this request does not host. */
  SERVICE_CONFLICT: 'membership-service-conflict',
  /** A stored record cannot be read back (`meta.reason`). */
  STORE_CORRUPT: 'membership-store-corrupt'
} as const

export type MembershipErrorCode = typeof MembershipErrorCode[keyof typeof MembershipErrorCode]
