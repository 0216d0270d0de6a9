import type { BatchOp, BatchOptions, BatchWriter, Namespace } from './database.js'
import { encodeSeq } from './codec.js'
import { DELIVERY_STATES, type DeliveryStateName } from './outbox-codec.js'
import { RecordReader, concatBytes, utf8 } from './record-codec.js'

/** Outbox deliveries per state. */
export interface OutboxCounts {
  queued: number
  delivered: number
  failed: number
}

/** A recipient node with queued deliveries. */
export interface PendingPeer {
  peerId: string
  /** Deliveries to it in state `queued`. */
  queued: number
}

/** The counter changes one caller's ops make. */
export interface CounterDelta {
  states?: Partial<Record<DeliveryStateName, number>>
  peers?: ReadonlyArray<readonly [string, number]>
}

const STATE_TAG = utf8('c')
const PEER_TAG = utf8('p')
const MARKER_KEY = utf8('x')
const stateKey = (state: DeliveryStateName): Uint8Array => concatBytes(STATE_TAG, utf8(state))
const peerKey = (peer: string): Uint8Array => concatBytes(PEER_TAG, utf8(peer))

function readCount (bytes: Uint8Array): number {
  const r = new RecordReader(bytes, 'outbox-counter')
  const n = r.u64()
  r.end()
  return n
}

/**
 * Queue depth counters kept exact in LevelDB. Each caller hands its ops to the
 * GroupCommitter with a {@link marker} op carrying its delta; the {@link writer}
 * strips the markers, adds the resulting counter values to that same batch and
 * updates the in-memory values only once the batch is on disk. A failed batch thus
 * changes neither, and the stored counters always match the stored states.
 */
export class OutboxCounters {
  readonly #meta: Namespace
  #counts: OutboxCounts = { queued: 0, delivered: 0, failed: 0 }
  readonly #peers = new Map<string, number>()
  readonly #deltas = new WeakMap<BatchOp, CounterDelta>()

  private constructor (meta: Namespace) {
    this.#meta = meta
  }

  /** Read the stored counters. */
  static async load (meta: Namespace): Promise<OutboxCounters> {
    const counters = new OutboxCounters(meta)
    const stored = await meta.getMany(DELIVERY_STATES.map(stateKey))
    DELIVERY_STATES.forEach((state, i) => {
      const raw = stored[i]
      counters.#counts[state] = raw === undefined ? 0 : readCount(raw)
    })
    for await (const [key, value] of meta.iterator({ gt: PEER_TAG, lt: utf8('q') })) {
      counters.#peers.set(Buffer.from(key.subarray(1)).toString('utf8'), readCount(value))
    }
    return counters
  }

  /** Committed counts per state. */
  counts (): OutboxCounts {
    return { ...this.#counts }
  }

  /** Peers with queued deliveries, sorted by PeerId. */
  pendingPeers (): PendingPeer[] {
    return [...this.#peers].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([peerId, queued]) => ({ peerId, queued }))
  }

  /** An op that carries `delta` to the writer (and writes nothing itself). */
  marker (delta: CounterDelta): BatchOp {
    const op: BatchOp = { type: 'del', namespace: this.#meta, key: MARKER_KEY }
    this.#deltas.set(op, delta)
    return op
  }

  /** Wrap `inner` so that batches carry the counter values their markers imply. */
  writer (inner: BatchWriter): BatchWriter {
    return { batch: async (ops, options) => { await this.#batch(inner, ops, options) } }
  }

  async #batch (inner: BatchWriter, ops: readonly BatchOp[], options: BatchOptions | undefined): Promise<void> {
    const counts = { ...this.#counts }
    const peers = new Map<string, number>()
    const real: BatchOp[] = []
    for (const op of ops) {
      const delta = this.#deltas.get(op)
      if (delta === undefined) {
        real.push(op)
        continue
      }
      for (const state of DELIVERY_STATES) counts[state] += delta.states?.[state] ?? 0
      for (const [peer, n] of delta.peers ?? []) peers.set(peer, (peers.get(peer) ?? this.#peers.get(peer) ?? 0) + n)
    }
    for (const state of DELIVERY_STATES) {
      if (counts[state] !== this.#counts[state]) {
        real.push({ type: 'put', namespace: this.#meta, key: stateKey(state), value: encodeSeq(counts[state]) })
      }
    }
    for (const [peer, n] of peers) {
      real.push(n === 0
        ? { type: 'del', namespace: this.#meta, key: peerKey(peer) }
        : { type: 'put', namespace: this.#meta, key: peerKey(peer), value: encodeSeq(n) })
    }
    await inner.batch(real, options)
    this.#counts = counts
    for (const [peer, n] of peers) {
      if (n === 0) this.#peers.delete(peer)
      else this.#peers.set(peer, n)
    }
  }
}

