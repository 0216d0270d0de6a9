/**
 * Durable storage for a Lienthong node: one LevelDB per data folder, split into
 * prefixed namespaces so every store shares one atomic batch (key layout in
 * constants.ts and the README).
 *
 * - `openDatabase(path)`: the database, with a typed `store-locked` error when another
 *   process holds the folder.
 * - `RegistryLogStore`: the registry log's entries, head and checkpoints; appends are
 *   atomic, synced and must continue exactly from the head.
 * - `GroupCommitter`: coalesces concurrent writes into one synced batch per drain.
 * - `BlobStore`: content-addressed payload files, streamed, hash-checked, owner-counted.
 * - `Outbox`: envelopes sent, with a durable state machine per recipient node and a due index.
 * - `Inbox`: envelopes received, exactly once, with the original receipt for duplicates.
 *
 * @example
 * ```ts
 * import { openDatabase, RegistryLogStore } from '@lienthong/store'
 * const db = await openDatabase('/var/lib/lienthong/db')
 * const log = await RegistryLogStore.open(db)
 * await log.append([{ seq: log.nextSeq(), hash, bytes }])
 * for await (const entry of log.entries(1)) serve(entry.bytes)
 * await db.close()
 * ```
 */
export * from './constants.js'
export { StoreErrorCode } from './errors.js'
export {
  openDatabase, type Database, type Namespace, type BatchOp, type BatchOptions, type BatchWriter
} from './database.js'
export {
  RegistryLogStore, type RegistryLogEntry, type RegistryLogHead, type RegistryCheckpoint, type RegistryLogStoreOptions
} from './registry-log.js'
export { GroupCommitter, type GroupCommitterOptions, type GroupCommitterStats } from './group-committer.js'
export { encodeSeq, decodeSeq } from './codec.js'
export { BlobStore } from './blob-store.js'
export { BLOB_COLLECT_EVERY_BYTES, canCollect } from './blob-collect.js'
export { blobHashHex, type BlobHash, type BlobInfo, type BlobWriteOptions } from './blob-files.js'
export { Outbox } from './outbox.js'
export type { OutboxSubmission, OutboxRecord, DueQuery, DueDelivery, OutboxOptions } from './outbox-types.js'
export type {
  DeliveryStateName, DeliveryState, DeliveryError, OutboxRecipient, OutboxStatus, OutboxRecordHead
} from './outbox-codec.js'
export type { OutboxCounts, PendingPeer } from './outbox-counters.js'
export type { TransitionOptions } from './outbox-checks.js'
export { Inbox } from './inbox.js'
export type {
  InboxItem, InboxEntry, AcceptResult, InboxListOptions, InboxPage, FollowOptions, InboxOptions
} from './inbox-codec.js'
