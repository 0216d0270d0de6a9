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
 * | `!outbox!` `!inbox!` `!receipts!` `!dedupe!` `!blobs!` | reserved for the stores to come |
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
  /** Reserved: envelopes waiting to be delivered. */
  OUTBOX: 'outbox',
  /** Reserved: envelopes received. */
  INBOX: 'inbox',
  /** Reserved: signed receipts. */
  RECEIPTS: 'receipts',
  /** Reserved: duplicate detection of received envelope ids. */
  DEDUPE: 'dedupe',
  /** Reserved: index of content-addressed blobs. */
  BLOBS: 'blobs'
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
