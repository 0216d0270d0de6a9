/** Stable error codes of the heartbeat protocol. Never rename a released code. */
export const HeartbeatErrorCode = {
  /** A heartbeat or a heartbeat reply is not a well-formed message (CBOR, fields, types, bounds). */
  BAD_MESSAGE: 'heartbeat-bad-message'
} as const

export type HeartbeatErrorCode = typeof HeartbeatErrorCode[keyof typeof HeartbeatErrorCode]
