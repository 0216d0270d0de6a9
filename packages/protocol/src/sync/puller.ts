import { isLienthongError, type Logger } from '@lienthong/errors'
import {
  decodeCheckpoint, entryHash, RegistryErrorCode, type SignedCheckpoint, type SignedEntry
} from '@lienthong/registry'
import type { Host } from '../host.js'
import { fetchEntries, fetchHead, type SyncRequestOptions } from './client.js'
import { SYNC_PAGE_LIMIT } from './constants.js'
import { RegistrySyncErrorCode } from './errors.js'
import { splitSignedEntry, type AnnounceInfo, type HeadInfo } from './messages.js'
import type { RegistryReplica } from './replica.js'

/** What a puller works with. */
export interface PullerContext {
  host: Host
  replica: RegistryReplica
  log: Logger
  request: () => SyncRequestOptions
  /** Called when a behind peer should hear our head (after a head request showed it is behind). */
  announceTo: (peer: string) => void
  /** Called after each queued peer was handled (the service flushes deferred announces). */
  afterItem: () => void
}

/** Counters of a puller. */
export interface PullStats {
  /** Peers' heads examined. */
  syncs: number
  /** `entries` requests sent. */
  pagesFetched: number
  /** Entries applied from peers, and how many of them came inside an announce. */
  entriesPulled: number
  entriesInline: number
  failures: number
}

export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

/** True when `signed` decodes to a checkpoint newer than the replica's (no signature check). */
export function isNewerCheckpoint (replica: RegistryReplica, signed: SignedCheckpoint): boolean {
  let theirs
  try {
    theirs = decodeCheckpoint(signed.bytes)
  } catch {
    return false
  }
  const held = replica.latestCheckpoint?.checkpoint
  return held === undefined || theirs.seq > held.seq || (theirs.seq === held.seq && theirs.at > held.at)
}

/**
 * True when a peer's head tells us something: it is ahead, it disagrees with our hash at its
 * seq (a fork to raise), or it carries a newer checkpoint than ours. Cheap: no signature check.
 */
export function isNews (replica: RegistryReplica, info: HeadInfo): boolean {
  if (info.seq > replica.seq) return true
  const ours = replica.entry(info.seq)
  if (info.seq >= 0 && (ours === undefined || !sameBytes(ours.hash, info.head))) return true
  return info.checkpoint !== undefined && isNewerCheckpoint(replica, info.checkpoint)
}

/**
 * One worker that brings the replica up to what peers hold. Requests are deduplicated by peer
 * (the newest hint wins) and handled one at a time, so concurrent announces of the same head
 * cause one pull; after the first, the others are seen to be nothing new without a request.
 */
export class Puller {
  readonly stats: PullStats = { syncs: 0, pagesFetched: 0, entriesPulled: 0, entriesInline: 0, failures: 0 }
  readonly #queue = new Map<string, AnnounceInfo | undefined>()
  #running: Promise<void> | undefined
  #stopped = false

  constructor (private readonly ctx: PullerContext) {}

  /** True while a peer is being handled. */
  get busy (): boolean { return this.#running !== undefined }

  /** Queue a sync with `peer`, from the head it announced (and entries), or asking for it (`hint` undefined). */
  enqueue (peer: string, hint?: AnnounceInfo): void {
    if (this.#stopped) return
    const queued = this.#queue.get(peer)
    // The newest hint wins, except that a bare head does not displace the same head with entries.
    const keep = queued !== undefined && (hint === undefined || (hint.entries === undefined && hint.seq === queued.seq))
    if (!keep) this.#queue.set(peer, hint)
    if (this.#running === undefined) this.#running = this.#drain()
  }

  /** Resolves when the queue is empty and no peer is being handled. */
  async idle (): Promise<void> {
    while (this.#running !== undefined) await this.#running
  }

  /** Take work again after `stop()`. */
  resume (): void {
    this.#stopped = false
  }

  /** Stop taking work; resolves when the current peer is done (its requests are aborted by the caller's signal). */
  async stop (): Promise<void> {
    this.#stopped = true
    this.#queue.clear()
    await this.#running
  }

  async #drain (): Promise<void> {
    for (const [peer, hint] of this.#queue) {
      this.#queue.delete(peer)
      if (this.#stopped) break
      try {
        await this.#syncWith(peer, hint)
      } catch (err) {
        this.stats.failures++
        this.ctx.log.debug({ peer, err: isLienthongError(err) ? err.code : 'unknown' }, 'registry sync with peer failed')
      }
      this.ctx.afterItem()
    }
    this.#running = undefined
    if (!this.#stopped && this.#queue.size > 0) this.#running = this.#drain()
    else this.ctx.afterItem()
  }

  async #syncWith (peer: string, hint: AnnounceInfo | undefined): Promise<void> {
    const { replica } = this.ctx
    const remote = hint ?? await fetchHead(this.ctx.host, peer, this.ctx.request())
    this.stats.syncs++
    if (remote.seq > replica.seq) {
      if (!await this.#pull(peer, remote)) return
    } else if (!this.#agrees(peer, remote)) {
      return
    } else if (hint === undefined && remote.seq < replica.seq) {
      this.ctx.announceTo(peer)
    }
    if (remote.checkpoint !== undefined && isNewerCheckpoint(replica, remote.checkpoint)) {
      const result = await replica.acceptCheckpoint(remote.checkpoint, { source: peer })
      if (!result.accepted) this.ctx.log.debug({ peer, code: result.code }, 'checkpoint from peer not accepted')
    }
  }

  /** Our hash at the peer's seq is the peer's head; raises `registry-fork` otherwise. */
  #agrees (peer: string, remote: HeadInfo): boolean {
    if (remote.seq < 0) return true
    const ours = this.ctx.replica.entry(remote.seq)
    if (ours !== undefined && sameBytes(ours.hash, remote.head)) return true
    this.#fork(peer, remote.seq, 'head-mismatch')
    return false
  }

  #fork (peer: string, seq: number, reason: string): void {
    this.ctx.replica.raiseAlarm({ code: RegistrySyncErrorCode.FORK, peer, seq, reason })
  }

  /**
   * Pull pages from `peer` until we reach its seq; false when the peer's entries were refused.
   * Entries that came with an announce are used first when they reach back to our head.
   */
  async #pull (peer: string, remote: AnnounceInfo): Promise<boolean> {
    const { replica } = this.ctx
    let inline = remote.entries
    while (replica.seq < remote.seq) {
      const after = replica.seq
      // Announced entries end at remote.seq; usable (once) when they reach back to after + 1.
      const inlineFrom = remote.seq - (inline?.length ?? 0) + 1
      const fromAnnounce = inline !== undefined && inlineFrom <= after + 1
      const wire = inline !== undefined && fromAnnounce
        ? inline.slice(after + 1 - inlineFrom)
        : await fetchEntries(this.ctx.host, peer, after, SYNC_PAGE_LIMIT, this.ctx.request())
      inline = undefined
      if (!fromAnnounce) this.stats.pagesFetched++
      if (wire.length === 0) {
        this.ctx.log.debug({ peer, seq: after, target: remote.seq }, 'peer served no entries below the head it announced')
        return true
      }
      let page: SignedEntry[]
      try {
        page = wire.map(splitSignedEntry)
      } catch (err) {
        replica.raiseAlarm({ code: RegistrySyncErrorCode.BAD_ENTRIES, peer, seq: after + 1, reason: isLienthongError(err) ? err.code : 'unknown' })
        return false
      }
      // Our head may have moved while the page travelled: what we already have must be ours.
      const skip = Math.min(replica.seq - after, page.length)
      for (let i = 0; i < skip; i++) {
        const ours = replica.entry(after + 1 + i)
        if (ours === undefined || !sameBytes(ours.hash, entryHash(page[i] as SignedEntry))) {
          this.#fork(peer, after + 1 + i, 'entry-mismatch')
          return false
        }
      }
      if (skip >= page.length) continue
      try {
        const applied = (await replica.apply(page.slice(skip), { source: peer })).length
        this.stats.entriesPulled += applied
        if (fromAnnounce) this.stats.entriesInline += applied
      } catch (err) {
        if (!isLienthongError(err) || !err.code.startsWith('registry-') || err.code.startsWith('registry-sync-')) throw err
        const seq = typeof err.meta.seq === 'number' ? err.meta.seq : after + 1 + skip
        if (err.code === RegistryErrorCode.BAD_PREV) this.#fork(peer, seq, err.code)
        else replica.raiseAlarm({ code: RegistrySyncErrorCode.BAD_ENTRIES, peer, seq, reason: err.code })
        return false
      }
    }
    return true
  }
}
