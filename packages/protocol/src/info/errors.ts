/** Stable error codes of the info protocol. Never rename a released code. */
export const InfoErrorCode = {
  /** An info request or reply is not a well-formed message (`meta.what`, `meta.field`). */
  BAD_MESSAGE: 'info-bad-message',
  /** The reply names a PeerId other than the one dialled. */
  PEER_MISMATCH: 'info-peer-mismatch'
} as const

export type InfoErrorCode = typeof InfoErrorCode[keyof typeof InfoErrorCode]
