/** Largest `limit` of an `entries` request, and the page size a puller asks for (the registry's page limit). */
export const SYNC_PAGE_LIMIT = 1000

/**
 * Byte budget of one `entries` reply (at least one entry is always sent). Well under the
 * 16 MiB frame limit: an entry may reach 256 KiB, so 1000 of them would not fit in one frame.
 */
export const SYNC_PAGE_MAX_BYTES = 4 * 1024 * 1024

/**
 * At most this many of the newest entries ride along with an announce, within
 * ANNOUNCE_ENTRIES_MAX_BYTES: a peer one step behind applies them without a second round trip.
 */
export const ANNOUNCE_MAX_ENTRIES = 16
export const ANNOUNCE_ENTRIES_MAX_BYTES = 256 * 1024

/** Largest sync request: an announce with its entries and a checkpoint, plus room for the CBOR around them. */
export const SYNC_MAX_REQUEST_BYTES = ANNOUNCE_ENTRIES_MAX_BYTES + 64 * 1024

/** Default anti-entropy period: ask one connected peer for its head this often. */
export const DEFAULT_ANTI_ENTROPY_INTERVAL_MS = 30_000

/**
 * Default ceiling of the coordinator's checkpoint period when nothing is appended. The period
 * used is the smaller of this and a quarter of the network's `stalenessLimitMs` (which may be
 * as low as one minute), so that a quiet registry never makes nodes report themselves stale.
 */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 5 * 60_000

/** Peers announced to at once. */
export const DEFAULT_ANNOUNCE_CONCURRENCY = 8

/** Deadline of one sync request (dial included). */
export const DEFAULT_SYNC_REQUEST_TIMEOUT_MS = 10_000

/** Entries replayed per `applyBatch` when a replica is opened or rebuilt from disk. */
export const REPLAY_BATCH = 1000
