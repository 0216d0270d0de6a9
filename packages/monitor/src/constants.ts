import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '@lienthong/registry'

/**
 * The 30-minute rule (draft regulation of the national interconnection platform): a unit whose
 * system loses its connection must be told by SMS and e-mail within 30 minutes at most. The
 * offline threshold may therefore never exceed it; `validateMonitorConfig` refuses more.
 */
export const MAX_OFFLINE_AFTER_MS = 30 * 60 * 1000

/** Default silence before a node is marked offline (architecture §5: 5 minutes). */
export const DEFAULT_OFFLINE_AFTER_MS = 5 * 60 * 1000

/** Default heartbeat interval distributed to nodes (the registry's default network parameter). */
export const DEFAULT_MONITOR_HEARTBEAT_INTERVAL_MS = DEFAULT_HEARTBEAT_INTERVAL_MS

/**
 * Longest pause between two offline checks. The checker also wakes exactly when the next node
 * becomes due, so detection is not later than the threshold by more than a timer's lateness.
 */
export const MAX_CHECK_INTERVAL_MS = 1000

/** Retry schedule of a notification that failed: 5 s, 10 s, 20 s, ... capped at 5 minutes. */
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 5000
export const DEFAULT_RETRY_MAX_DELAY_MS = 5 * 60 * 1000
/** A notification still failing a day after detection is given up (and stays in the log as failed). */
export const DEFAULT_RETRY_MAX_AGE_MS = 24 * 60 * 60 * 1000

/** Bound on one e-mail or SMS attempt (connect, greet, send, answer). */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000

/** Attempts kept per notification in the log (the count stays exact; the oldest are dropped). */
export const MAX_TRIES_KEPT = 200

/** Page size of `alerts()` by default, and its largest. */
export const DEFAULT_ALERTS_LIMIT = 100
export const MAX_ALERTS_LIMIT = 1000

/**
 * A node keeps reporting addresses the registry does not hold (e.g. an append failed): the
 * `addresses` event is raised again after this long, not on every heartbeat.
 */
export const ADDRESS_REPORT_INTERVAL_MS = 60_000

/**
 * The monitor's namespaces in the coordinator's database. Never rename one: the name is part of
 * every stored key. Keys: alerts by u64 BE id; nodes by UTF-8 PeerId. Values: CBOR records.
 */
export const MONITOR_NAMESPACE = {
  ALERTS: 'monitor-alerts',
  NODES: 'monitor-nodes'
} as const

/** Vietnam's civil time offset (no daylight saving): times in notices are given in it. */
export const VIETNAM_UTC_OFFSET_MS = 7 * 60 * 60 * 1000
