/**
 * Registry sync: a `RegistryReplica` (a verified Registry kept in step with the node's
 * RegistryLogStore) and `RegistrySync` (REGISTRY_PROTOCOL: head / entries / announce, push of
 * new heads to every connected peer, pulls in pages, anti-entropy, fork alarms, coordinator
 * checkpoints).
 *
 * @example
 * ```ts
 * const replica = await RegistryReplica.open({ db, coordinatorKey: network.coordinatorKey, network: network.name })
 * const sync = createRegistrySync({ host, replica, logger })
 * await sync.start()
 * replica.on('applied', e => { host.refreshGate() })
 * replica.on('alarm', a => metrics.count(a.code))
 * // coordinator: append through the replica, the new head is announced at once
 * await replica.append(coordinatorKey, [{ type: 'node.revoke', peerId, incident: 'INC-42' }], { actor: 'admin' })
 * ```
 */
export { RegistrySyncErrorCode } from './errors.js'
export {
  SYNC_PAGE_LIMIT, SYNC_PAGE_MAX_BYTES, SYNC_MAX_REQUEST_BYTES, DEFAULT_ANTI_ENTROPY_INTERVAL_MS,
  DEFAULT_CHECKPOINT_INTERVAL_MS, DEFAULT_ANNOUNCE_CONCURRENCY, DEFAULT_SYNC_REQUEST_TIMEOUT_MS, ANNOUNCE_MAX_ENTRIES,
  ANNOUNCE_ENTRIES_MAX_BYTES
} from './constants.js'
export type { AppliedEvent, CheckpointEvent, RegistryAlarm, ReplicaEvents } from './events.js'
export type { Listener } from '@lienthong/errors'
export type { HeldCheckpoint } from './replay.js'
export {
  RegistryReplica, type RegistryReplicaInit, type ReplicaAppendOptions, type CheckpointAcceptance, type Freshness
} from './replica.js'
export {
  encodeSyncRequest, decodeSyncRequest, encodeHeadReply, decodeHeadReply, encodeEntriesReply, decodeEntriesReply, splitSignedEntry,
  type SyncRequest, type HeadInfo, type AnnounceInfo
} from './messages.js'
export { RegistrySync, createRegistrySync, type RegistrySyncInit, type RegistrySyncStats } from './service.js'
