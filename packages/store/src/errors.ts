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
  CLOSED: 'store-closed',
  /** A blob's SHA-256 differs from the expected hash; nothing was kept. */
  BLOB_HASH_MISMATCH: 'blob-hash-mismatch',
  /** A blob's length differs from the expected length; nothing was kept. */
  BLOB_LENGTH_MISMATCH: 'blob-length-mismatch',
  /** A blob exceeds `maxBytes`; nothing was kept. */
  BLOB_TOO_LARGE: 'blob-too-large',
  /** No blob with this hash is stored. */
  BLOB_NOT_FOUND: 'blob-not-found',
  /** The blob still has owners, so it was not deleted. */
  BLOB_IN_USE: 'blob-in-use',
  /** A file system operation on the blob folder failed; `meta.syscall` and `meta.errno` say which. */
  BLOB_IO_FAILED: 'blob-io-failed',
  /** An outbox record with this envelope id already exists. */
  OUTBOX_DUPLICATE: 'outbox-duplicate',
  /** No outbox record (or no delivery to that peer) with this id. */
  OUTBOX_NOT_FOUND: 'outbox-not-found',
  /** No inbox entry with this envelope id. */
  INBOX_NOT_FOUND: 'inbox-not-found',
  /** An inbox cursor that this store did not hand out. */
  INBOX_BAD_CURSOR: 'inbox-bad-cursor'
} as const

export type StoreErrorCode = typeof StoreErrorCode[keyof typeof StoreErrorCode]
