/**
 * Key layout of the one LevelDB per node (`openDatabase(path)`).
 *
 * Every key lives in a namespace: a level sublevel whose keys are prefixed with
 * `!<name>!` (ASCII). Because all namespaces share one LevelDB, a single
 * `Database.batch` writes across several of them atomically.
 *
 * | namespace (prefix)  | key                        | value                                   |
 * | ------------------- | -------------------------- | --------------------------------------- |
 * | `!meta!`            | utf8 `schema`              | u32 big-endian schema version (1)       |
 * | `!rlog-meta!`       | utf8 `head`                | u64 BE seq (8) ‖ entry hash (32)        |
 * | `!rlog-entry!`      | u64 BE seq (8)             | entry hash (32) ‖ opaque signed bytes   |
 * | `!rlog-checkpoint!` | u64 BE seq (8)             | opaque signed checkpoint bytes          |
 * | `!receipts!`        | reserved                   |                                         |
 *
 * Document flow (outbox.ts, inbox.ts, blob-store.ts). `id` is an envelope ULID (26 ASCII
 * chars), `peer` a node PeerId string (printable ASCII, never 0x00), `T` a u64 BE time in ms,
 * `seq` a u64 BE arrival number, `0` the byte 0x00; records use the binary layout of
 * record-codec.ts (u32 BE length before every byte string):
 *
 * | namespace (prefix)   | key                             | value                                       |
 * | -------------------- | ------------------------------- | ------------------------------------------- |
 * | `!outbox!`           | id                              | v1 ‖ createdAt ‖ expiresAt ‖ payloadHash? ‖ recipients ‖ envelope bytes |
 * | `!outbox-delivery!`  | id ‖ 0 ‖ peer                   | state ‖ attempts ‖ nextAttemptAt ‖ updatedAt ‖ receipt? ‖ last error? |
 * | `!outbox-due!`       | `g` ‖ T ‖ id ‖ peer             | empty: queued deliveries by next attempt     |
 * | `!outbox-due!`       | `p` ‖ peer ‖ 0 ‖ T ‖ id         | empty: the same, per peer                    |
 * | `!outbox-status!`    | id ‖ 0 ‖ status envelope id     | code ‖ at ‖ from                             |
 * | `!outbox-meta!`      | `c` ‖ state name                | u64 BE deliveries in that state              |
 * | `!outbox-meta!`      | `p` ‖ peer                      | u64 BE queued deliveries to that peer (absent when 0) |
 * | `!inbox!`            | seq                             | v1 ‖ id ‖ sender ‖ receivedAt ‖ payloadLength ‖ payloadHash? ‖ envelope bytes |
 * | `!inbox-unacked!`    | seq                             | empty: entries not yet acknowledged          |
 * | `!inbox-acked!`      | seq                             | u64 BE ackedAt                               |
 * | `!dedupe!`           | id                              | seq ‖ receipt bytes (the original receipt)   |
 * | `!blobs!`            | sha-256 (32) ‖ utf8 owner       | empty: one row per owner of the blob         |
 *
 * Blob contents live in files, `<blob folder>/<hex[0..2]>/<hex[2..64]>`; a write streams to
 * `<blob folder>/tmp-<random>` and is renamed into place after fsync.
 *
 * Sequence numbers are stored as 8-byte big-endian integers so that LevelDB's
 * byte order is numeric order. The registry log's head record and its entries are
 * always written in the same synced batch; on open the head is checked against
 * the entry it names.
 */

/** Namespace (sublevel) names. Never rename one: the name is part of every stored key. */
export const NAMESPACE = {
  /** Store-wide metadata: the schema version. */
  META: 'meta',
  /** Registry log metadata: the head record. */
  REGISTRY_LOG_META: 'rlog-meta',
  /** Registry log entries by seq. */
  REGISTRY_LOG_ENTRY: 'rlog-entry',
  /** Registry checkpoints by seq. */
  REGISTRY_LOG_CHECKPOINT: 'rlog-checkpoint',
  /** Outbox records (envelopes this node sent) by envelope id. */
  OUTBOX: 'outbox',
  /** Envelopes received, by arrival seq. */
  INBOX: 'inbox',
  /** Reserved: signed receipts. */
  RECEIPTS: 'receipts',
  /** Received envelope id → arrival seq and original receipt (exactly-once). */
  DEDUPE: 'dedupe',
  /** Blob owners: sha-256 ‖ owner. */
  BLOBS: 'blobs',
  /** Outbox delivery state per (envelope id, recipient node). */
  OUTBOX_DELIVERY: 'outbox-delivery',
  /** Queued outbox deliveries by next attempt time (global and per peer). */
  OUTBOX_DUE: 'outbox-due',
  /** Status envelopes received for an outbox record. */
  OUTBOX_STATUS: 'outbox-status',
  /** Outbox queue depth counters. */
  OUTBOX_META: 'outbox-meta',
  /** Inbox entries not yet acknowledged, by arrival seq. */
  INBOX_UNACKED: 'inbox-unacked',
  /** Acknowledgement times of inbox entries, by arrival seq. */
  INBOX_ACKED: 'inbox-acked',
  /** Coordinator: join requests (@lienthong/membership). */
  JOIN_REQUESTS: 'join-requests',
  /** Coordinator: pause requests (@lienthong/membership). */
  PAUSE_REQUESTS: 'pause-requests',
  /** Coordinator: audit log of admin actions (@lienthong/membership). */
  AUDIT: 'audit',
  /** Coordinator: the connection monitor's alert log, by u64 BE alert id. */
  MONITOR_ALERTS: 'monitor-alerts',
  /** Coordinator: what the connection monitor knows of each node, by PeerId. */
  MONITOR_NODES: 'monitor-nodes',
  /** Coordinator: per node and per day, heartbeat aggregates for the annual evaluation. */
  MONITOR_DAILY: 'monitor-daily'
} as const

/** One of the known namespace names. */
export type NamespaceName = typeof NAMESPACE[keyof typeof NAMESPACE]

/** Key of the schema version record in the `meta` namespace. */
export const SCHEMA_KEY = 'schema'

/** The key layout version this code reads and writes. */
export const SCHEMA_VERSION = 1

/** Key of the head record in the `rlog-meta` namespace. */
export const REGISTRY_HEAD_KEY = 'head'

/** Length of an encoded sequence number key. */
export const SEQ_KEY_LENGTH = 8

/** Length of a registry entry hash (sha-256). */
export const ENTRY_HASH_LENGTH = 32

/** Length of the head record: seq ‖ hash. */
export const REGISTRY_HEAD_LENGTH = SEQ_KEY_LENGTH + ENTRY_HASH_LENGTH

/**
 * Seq of the first registry entry when the log is empty. 1, so that "entries after
 * seq 0" means the whole log and a head of 0 never names a real entry.
 */
export const DEFAULT_FIRST_SEQ = 1

/**
 * Default bound on ops queued or in flight in a GroupCommitter. Batches of 100 to
 * 1000 ops already reach ~45k synced ops/s (stack-notes §5b); 10,000 ≈1 KiB
 * envelopes bound the queue to about 10 MiB.
 */
export const DEFAULT_MAX_PENDING_OPS = 10_000

/** Prefix of a blob temp file name in the blob folder (removed by `BlobStore.sweepTemp`). */
export const BLOB_TEMP_PREFIX = 'tmp-'

/**
 * Bytes a blob write gathers before one file write: small chunks are coalesced so a
 * stream of tiny chunks does not become one syscall each, and memory stays bounded.
 */
export const BLOB_WRITE_BUFFER_BYTES = 256 * 1024

/** Default size of the chunks `BlobStore.read` yields. */
export const BLOB_READ_CHUNK_BYTES = 64 * 1024

/** Largest `limit` of one inbox page or one outbox `due` query. */
export const MAX_PAGE_LIMIT = 10_000

/** Page size `Inbox.follow` reads with. */
export const FOLLOW_PAGE_LIMIT = 256
