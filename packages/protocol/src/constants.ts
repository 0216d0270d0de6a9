/** Delivery of signed envelopes from a sending node to a receiving node. */
export const DELIVER_PROTOCOL = '/lienthong/deliver/1.0.0'

/** Registry log sync between a node and the coordinator. */
export const REGISTRY_PROTOCOL = '/lienthong/registry/1.0.0'

/** A node's heartbeat to the coordinator. */
export const HEARTBEAT_PROTOCOL = '/lienthong/heartbeat/1.0.0'

/**
 * Default upper bound of one length-prefixed frame (16 MiB). Every `lpStream` in this package sets
 * `maxDataLength` explicitly: the `@libp2p/utils` defaults (4 MiB buffer) abort streams carrying
 * larger frames (stack-notes gotcha 8).
 */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024

/**
 * Extra read-buffer room above the frame limit. A single `message` event carries up to one yamux
 * frame (the initial stream window is 256 KiB), so with this headroom an oversized frame is seen
 * by its length prefix and refused with a reply, instead of overflowing the buffer and resetting
 * the stream before the prefix is read.
 */
export const READ_BUFFER_HEADROOM_BYTES = 1024 * 1024

/** Default deadline of one request/response exchange, dial included. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/**
 * Default deadline for a server to receive a request and send its reply. Bounds how long a slow
 * or silent client can hold a stream open.
 */
export const DEFAULT_SERVE_TIMEOUT_MS = 30_000

/** How long `Host.stop()` lets each connection close gracefully before aborting it. */
export const STOP_CLOSE_TIMEOUT_MS = 1000

/** Default logger component name of a host. */
export const DEFAULT_LOG_NAME = 'lienthong:protocol'

/** First byte of a response frame: the handler's reply follows. */
export const RESPONSE_OK = 0

/** First byte of a response frame: an error code (UTF-8) follows. */
export const RESPONSE_ERROR = 1

/** Longest error code carried in an error response. */
export const MAX_REMOTE_CODE_LENGTH = 100
