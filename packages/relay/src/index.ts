/**
 * The relay logic of a Lienthong node, between the node's HTTP API and the wire: submission
 * (validate, route through the registry, seal for the recipient nodes, sign, durable outbox
 * before the 202), the delivery worker (one long-lived pipelined channel per recipient node,
 * signed receipts verified, retries with backoff and jitter until expiry, resumed after a
 * restart), the receiver (every check of architecture §4, group commit, the original receipt
 * for duplicates), the inbox (decrypted only on read), statuses and metrics.
 *
 * @example
 * ```ts
 * import { createRelay } from '@lienthong/relay'
 * const relay = createRelay({ key, host, replica, db, blobs, outbox, inbox, metrics, logger,
 *   config: { maxPayloadBytes: 100 << 20, retryInitialMs: 2000, retryMaxMs: 300_000, defaultTtlMs: 7 * 86_400_000 } })
 * await relay.start()
 * const { id } = await relay.submit({ from: '000.00.00.G01', to: ['000.00.00.H29'], contentType: 'application/pdf', payload })
 * const view = await relay.outboxRecord(id) // deliveries: queued → delivered (receipt) | failed (reason)
 * await relay.stop()
 * ```
 *
 * @packageDocumentation
 */
export type * from './types.js'
export { RelayErrorCode } from './errors.js'
export { RefusalCode, DELIVERY_EXPIRED, RECEIPT_INVALID, isPermanentRefusal } from './refusals.js'
export {
  DEFAULT_INLINE_PAYLOAD_MAX_BYTES, DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_WINDOW_BYTES, INLINE_VIEW_MAX_BYTES, STATUS_CODES,
  STATUS_CONTENT_TYPE, MAX_STATUS_NOTE_LENGTH
} from './constants.js'
export { METRIC_NAMES } from './metrics.js'
export { retryDelay } from './backoff.js'
export { createRelay } from './relay.js'
