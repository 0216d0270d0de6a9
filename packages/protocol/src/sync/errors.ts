/**
 * Stable error and alarm codes of registry sync. Never rename a released code. Codes of the
 * entries themselves (`registry-bad-prev`, `registry-bad-signature`, ...) come from
 * `RegistryErrorCode` in @lienthong/registry.
 */
export const RegistrySyncErrorCode = {
  /** The registry log on disk does not verify (signature, chain, hash or checkpoint); it is never used. */
  STORE_INVALID: 'registry-sync-store-invalid',
  /** A write failed and the in-memory registry could not be rebuilt from disk: reopen the replica. */
  REPLICA_BROKEN: 'registry-sync-replica-broken',
  /** Alarm: a peer's head or entries do not extend our chain (a fork or a rollback); refused. */
  FORK: 'registry-fork',
  /** Alarm: a peer served entries that do not verify (bad signature, seq or encoding); refused. */
  BAD_ENTRIES: 'registry-sync-bad-entries',
  /** A sync request or reply is not a well-formed message. */
  BAD_MESSAGE: 'registry-sync-bad-message',
  /** A checkpoint names a seq we do not have yet: sync first. */
  CHECKPOINT_AHEAD: 'registry-sync-checkpoint-ahead',
  /** A checkpoint is not newer than the latest one we hold. */
  CHECKPOINT_NOT_NEWER: 'registry-sync-checkpoint-not-newer'
} as const

export type RegistrySyncErrorCode = typeof RegistrySyncErrorCode[keyof typeof RegistrySyncErrorCode]
