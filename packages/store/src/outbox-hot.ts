import type { DeliveryState, OutboxRecordHead } from './outbox-codec.js'

/** Records kept at most, and the envelope bytes they may hold together. */
const HOT_MAX_RECORDS = 8192
const HOT_MAX_BYTES = 32 * 1024 * 1024

interface HotRecord {
  head: OutboxRecordHead
  /** Queued deliveries only: a record leaves the cache once none is left. */
  queued: Map<string, DeliveryState>
}

/**
 * The outbox records with queued deliveries that this process wrote, as they are on disk: the
 * delivery worker reads every new envelope back once to send it, and again to change its state,
 * and under load those LevelDB reads cost the sender as much as the writes. Entries are added and
 * changed only after their batch is on disk (so the cache never shows what a failed write would
 * have stored); the oldest are dropped past a bound, and readers fall back to LevelDB for anything
 * not here. The outbox is the only writer of its namespaces, so nothing else can make an entry stale.
 */
export class HotRecords {
  readonly #records = new Map<string, HotRecord>()
  #bytes = 0

  /** A record just stored, with its queued deliveries. */
  add (head: OutboxRecordHead, queued: DeliveryState[]): void {
    this.#drop(head.id)
    this.#records.set(head.id, { head, queued: new Map(queued.map(d => [d.peerId, d])) })
    this.#bytes += head.envelopeBytes.length
    for (const [id, record] of this.#records) {
      if (this.#records.size <= HOT_MAX_RECORDS && this.#bytes <= HOT_MAX_BYTES) break
      this.#bytes -= record.head.envelopeBytes.length
      this.#records.delete(id)
    }
  }

  head (id: string): OutboxRecordHead | undefined {
    return this.#records.get(id)?.head
  }

  /** The delivery's state if it is queued and cached; undefined means "ask LevelDB". */
  delivery (id: string, peerId: string): DeliveryState | undefined {
    return this.#records.get(id)?.queued.get(peerId)
  }

  /** A delivery's new state, once on disk. */
  update (id: string, next: DeliveryState): void {
    const record = this.#records.get(id)
    if (record === undefined) return
    if (next.state === 'queued') record.queued.set(next.peerId, next)
    else record.queued.delete(next.peerId)
    if (record.queued.size === 0) this.#drop(id)
  }

  #drop (id: string): void {
    const record = this.#records.get(id)
    if (record === undefined) return
    this.#bytes -= record.head.envelopeBytes.length
    this.#records.delete(id)
  }
}
