import type { Logger } from '@lienthong/errors'
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

/** A listener of one event type. */
export type Listener<T> = (event: T) => void

/**
 * A small typed listener list. Listeners run synchronously in the order they were added; one
 * that throws is logged and does not stop the others (nor the operation that emitted).
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>()

  constructor (private readonly log: Logger) {}

  /** Add a listener; returns the function that removes it. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    let set = this.#listeners.get(type)
    if (set === undefined) this.#listeners.set(type, set = new Set())
    set.add(listener)
    return () => { set.delete(listener) }
  }

  /** Call every listener of `type` with `event`. */
  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const listener of [...this.#listeners.get(type) ?? []]) {
      try {
        (listener as Listener<Events[K]>)(event)
      } catch (err) {
        this.log.error({ event: String(type), err: err instanceof Error ? err.name : typeof err }, 'registry event listener threw')
      }
    }
  }
}
