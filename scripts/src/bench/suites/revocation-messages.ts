/**
 * What the main thread of the `revocation` suite and its node workers (revocation-worker.ts) say
 * to each other. The main thread sends requests `{ id, type, args }` and gets one reply per id;
 * a worker also posts `refused` on its own, the moment one of its nodes came to refuse a revoked
 * peer, stamped with wall-clock time (`performance.timeOrigin + performance.now()`) so that the
 * main thread can compare it with its own t0.
 */
import type { SignedCheckpoint, SignedEntry } from '@lienthong/registry'

/** Given to each worker at start (`workerData`). */
export interface NodeWorkerData {
  worker: number
  /** Folder under which each node keeps its LevelDB (`node-<index>`). */
  dir: string
  coordinatorPeerId: string
  coordinatorKey: Uint8Array
  network: string
  nodes: Array<{ index: number, seed: Uint8Array, reachesCoordinator: boolean }>
}

/** One node started by a worker. */
export interface StartedNode { index: number, peerId: string, multiaddrs: string[] }

/** A link to open from one of the worker's nodes. */
export interface PlannedDial { from: number, to: string, peerId: string }

/** A worker's counters, summed over its nodes. */
export interface WorkerStats {
  announcesSent: number
  headChecks: number
  pagesFetched: number
  /** Connections held by its nodes (each counted at both ends across the mesh). */
  connections: number
  dialRetries: number
  linkDrops: number
  /** Nodes not revoked whose registry is behind the `head` passed in (0 without one). */
  behind: number
}

/** This worker thread's usage between `watch` and `unwatch`. */
export interface WorkerUsage {
  /** CPU time of the worker's JS thread (Linux /proc/thread-self), or null where unavailable. */
  cpuMs: number | null
  eventLoopBusy: number
}

/** Every request: its arguments and the value of its reply. */
export interface WorkerRequests {
  start: { args: Record<string, never>, result: StartedNode[] }
  /** Apply the coordinator's log (and checkpoint) to every replica, then start its sync. */
  seed: { args: { log: SignedEntry[], checkpoint: SignedCheckpoint | undefined }, result: null }
  /** Open the planned links (with backoff and retries) and keep them up. */
  dial: { args: { dials: PlannedDial[] }, result: null }
  /** Resolve once every node's sync is idle. */
  idle: { args: { head?: number }, result: WorkerStats }
  stats: { args: { head?: number }, result: WorkerStats }
  /** Mark `victim` revoked (its own links are no longer redialled) and watch the other nodes. */
  watch: { args: { revocation: number, victim: { index: number, peerId: string } }, result: null }
  unwatch: { args: Record<string, never>, result: WorkerUsage }
  close: { args: Record<string, never>, result: null }
}

export type WorkerRequestType = keyof WorkerRequests

export interface WorkerRequest<K extends WorkerRequestType = WorkerRequestType> {
  id: number
  type: K
  args: WorkerRequests[K]['args']
}

/** A node came to refuse the victim of `revocation`: times are wall-clock milliseconds. */
export interface RefusedMessage {
  type: 'refused'
  revocation: number
  index: number
  at: number
  /** When its registry first showed the peer revoked (at or before `at`). */
  registryAt: number
}

export type WorkerMessage =
  | { type: 'reply', id: number, ok: true, value: unknown }
  | { type: 'reply', id: number, ok: false, error: string }
  | RefusedMessage

/** Wall-clock milliseconds, comparable across threads. */
export function wallClockMs (): number {
  return performance.timeOrigin + performance.now()
}
