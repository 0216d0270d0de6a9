import type { DuePosition } from './outbox-codec.js'

/** Queued deliveries the mirror holds at most by default; past that the outbox reads its due index from LevelDB. */
export const DUE_MIRROR_MAX_ENTRIES = 100_000

/** (at, id) order, as the per-peer due keys sort in LevelDB (ULIDs are ASCII). */
function before (a: { at: number, id: string }, b: { at: number, id: string }): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id)
}

/**
 * The per-peer due index of the outbox, in memory: the delivery worker asks "what is due for this
 * node" on every turn under load, and a LevelDB iterator per question cost the sender more than
 * the answers. Loaded whole when the outbox opens (if it is not too large) and then changed only
 * after each batch is on disk, so it is always what LevelDB holds or what it held a moment
 * earlier. Past `maxEntries` it switches itself off for good (until the next open)
 * and the outbox reads LevelDB as before.
 */
export class DueMirror {
  readonly #peers = new Map<string, DuePosition[]>()
  #size = 0
  #enabled: boolean

  constructor (entries: DuePosition[] | undefined, readonly maxEntries = DUE_MIRROR_MAX_ENTRIES) {
    this.#enabled = entries !== undefined
    for (const p of entries ?? []) this.add(p)
  }

  /** Whether `due` can answer (false once too large). */
  get enabled (): boolean { return this.#enabled }

  add (p: DuePosition): void {
    if (!this.#enabled) return
    if (this.#size >= this.maxEntries) {
      this.#enabled = false
      this.#peers.clear()
      return
    }
    let list = this.#peers.get(p.peer)
    if (list === undefined) {
      list = []
      this.#peers.set(p.peer, list)
    }
    // Most new positions go last (first attempts are due now, in id order).
    const last = list[list.length - 1]
    const at = last === undefined || before(last, p) ? list.length : this.#firstAfter(list, p, true)
    list.splice(at, 0, p)
    this.#size++
  }

  delete (p: DuePosition): void {
    const list = this.#peers.get(p.peer)
    if (list === undefined) return
    const at = this.#firstAfter(list, p, true)
    const found = list[at]
    if (found === undefined || found.at !== p.at || found.id !== p.id) return
    list.splice(at, 1)
    this.#size--
    if (list.length === 0) this.#peers.delete(p.peer)
  }

  /** Positions of `peer` due at or before `now`, after `after` (or from it, `inclusive`) if given, at most `limit`. */
  due (peer: string, now: number, limit: number, after?: DuePosition, inclusive = false): DuePosition[] {
    const list = this.#peers.get(peer) ?? []
    const out: DuePosition[] = []
    for (let i = after === undefined ? 0 : this.#firstAfter(list, after, inclusive); i < list.length && out.length < limit; i++) {
      const p = list[i] as DuePosition
      if (p.at > now) break
      out.push(p)
    }
    return out
  }

  /** Index of the first position ≥ `p` (`inclusive`) or > `p`. */
  #firstAfter (list: DuePosition[], p: { at: number, id: string }, inclusive: boolean): number {
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const m = list[mid] as DuePosition
      const goRight = inclusive ? before(m, p) : !before(p, m)
      if (goRight) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
