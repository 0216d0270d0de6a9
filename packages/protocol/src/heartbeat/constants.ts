import { MAX_ADDRESSES } from '@lienthong/registry'

/**
 * Largest heartbeat accepted. The biggest legitimate one carries MAX_ADDRESSES addresses of
 * HEARTBEAT_ADDRESS_MAX_LENGTH characters (16 KiB) plus a few hundred bytes of numbers.
 */
export const MAX_HEARTBEAT_BYTES = 32 * 1024

/** Largest heartbeat reply accepted (two integers: well under 100 bytes). */
export const MAX_HEARTBEAT_REPLY_BYTES = 256

/** Longest software version string a heartbeat may carry. */
export const HEARTBEAT_VERSION_MAX_LENGTH = 64

/** Most listen addresses a heartbeat may carry: what `node.update-addresses` accepts. */
export const HEARTBEAT_MAX_ADDRESSES = MAX_ADDRESSES

/** Longest listen address a heartbeat may carry: what the registry accepts. */
export const HEARTBEAT_ADDRESS_MAX_LENGTH = 512

/**
 * Deadline of one heartbeat exchange, dial included. Also capped at the interval, so that at
 * most one heartbeat is ever in flight.
 */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000

/** Default deadline for the coordinator to receive a heartbeat and answer it. */
export const DEFAULT_HEARTBEAT_SERVE_TIMEOUT_MS = 10_000
