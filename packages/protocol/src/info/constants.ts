/** A node's self-description: PeerId, software version, protocols it serves, its clock. */
export const INFO_PROTOCOL = '/lienthong/info/1.0.0'

/** Largest info request accepted (the request is a tiny CBOR map). */
export const INFO_MAX_REQUEST_BYTES = 64

/**
 * Largest info reply accepted: INFO_MAX_PROTOCOLS ids of INFO_MAX_PROTOCOL_LENGTH characters
 * plus the other fields fit well below this.
 */
export const INFO_MAX_REPLY_BYTES = 32 * 1024

/** Most protocol ids an info reply may list. */
export const INFO_MAX_PROTOCOLS = 64

/** Longest protocol id in an info reply. */
export const INFO_MAX_PROTOCOL_LENGTH = 256

/** Longest software version string in an info reply. */
export const INFO_MAX_SOFTWARE_LENGTH = 128

/**
 * Default deadline of `fetchInfo`, dial included. An info exchange is one small frame each way
 * (a few ms on a LAN): 5 s leaves room for a slow WAN link and a cold TCP + Noise handshake.
 */
export const DEFAULT_INFO_TIMEOUT_MS = 5000

/** Deadline for serving one info request (receive, answer, send). */
export const INFO_SERVE_TIMEOUT_MS = 5000
