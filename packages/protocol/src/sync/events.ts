import type { AppliedEntry, Checkpoint, SignedCheckpoint } from '@lienthong/registry'

/** Entries a replica verified, persisted and applied, in one batch. */
export interface AppliedEvent {
  readonly entries: readonly AppliedEntry[]
  /** The head after the batch. */
  readonly seq: number
  readonly head: Uint8Array
  /** 'local' for an append through the replica, else the PeerId the entries came from (or 'unknown'). */
  readonly source: string
}

/** A checkpoint a replica verified and persisted as its newest. */
export interface CheckpointEvent {
  readonly checkpoint: Checkpoint
  readonly signed: SignedCheckpoint
  readonly source: string
}

/** Something an operator must look at: a fork, a peer serving bad entries. Logged and counted too. */
export interface RegistryAlarm {
  /** `registry-fork`, `registry-sync-bad-entries`, ... (RegistrySyncErrorCode). */
  readonly code: string
  /** The PeerId involved, when a peer is. */
  readonly peer?: string
  /** The seq concerned. */
  readonly seq?: number
  /** The underlying registry error code, when there is one (e.g. `registry-bad-prev`). */
  readonly reason?: string
}

/** Event types of a replica and their payloads. */
export interface ReplicaEvents {
  applied: AppliedEvent
  checkpoint: CheckpointEvent
  alarm: RegistryAlarm
}
