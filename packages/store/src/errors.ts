/** Stable error codes of @lienthong/store. Never rename a released code. */
export const StoreErrorCode = {
  /** The data folder's LevelDB is locked by another process (or another open in this one). */
  LOCKED: 'store-locked',
  /** LevelDB failed to open for another reason (permissions, disk, ...). */
  OPEN_FAILED: 'store-open-failed',
  /** Stored data is inconsistent or unreadable; `meta.reason` says what. */
  CORRUPT: 'store-corrupt',
  /** The data folder was written with a key layout this code does not know. */
  SCHEMA_UNSUPPORTED: 'store-schema-unsupported',
  /** Registry entries do not continue exactly from the stored head (gap or duplicate). */
  SEQ_GAP: 'store-seq-gap',
  /** A checkpoint is older than the latest one or beyond the log head. */
  CHECKPOINT_INVALID: 'store-checkpoint-invalid',
  /** A LevelDB write failed; nothing of that batch was written. */
  WRITE_FAILED: 'store-write-failed',
  /** The database or committer is closed. */
  CLOSED: 'store-closed'
} as const

export type StoreErrorCode = typeof StoreErrorCode[keyof typeof StoreErrorCode]
