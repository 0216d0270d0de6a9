import { isLienthongError, type Logger } from '@lienthong/errors'
import { encodeSignedEntry } from '@lienthong/registry'
import type { Host } from '../host.js'
import { sendAnnounce, type SyncRequestOptions } from './client.js'
import { ANNOUNCE_ENTRIES_MAX_BYTES, ANNOUNCE_MAX_ENTRIES } from './constants.js'
import type { AnnounceInfo, HeadInfo } from './messages.js'
import { isNews, sameBytes, type Puller } from './puller.js'
import type { RegistryReplica } from './replica.js'

/** What an announcer works with. */
export interface AnnouncerContext {
  host: Host
  replica: RegistryReplica
  puller: Puller
  log: Logger
  request: () => SyncRequestOptions
  /** The connected peers to announce to. */
  peers: () => string[]
  /** Peers announced to at once. */
  concurrency: number
}

/** Counters of an announcer. */
export interface AnnounceStats {
  announceRounds: number
  announcesSent: number
  announceFailures: number
  /** Peers left out of a round because they had told us they hold that head and checkpoint. */
  announcesSkipped: number
}

/** Our head as we tell it: seq, hash and the newest checkpoint held. */
export function headInfo (replica: RegistryReplica): HeadInfo {
  const held = replica.latestCheckpoint
  return { seq: replica.seq, head: replica.head, ...(held === undefined ? {} : { checkpoint: held.signed }) }
}

/**
 * Pushes our head to every connected peer, in coalesced rounds with bounded concurrency. Errors
 * are counted and logged, never thrown. A reply showing a peer ahead (or disagreeing) queues a
 * pull from it.
 */
export class Announcer {
  readonly stats: AnnounceStats = { announceRounds: 0, announcesSent: 0, announceFailures: 0, announcesSkipped: 0 }
  /** The head each peer last told us it holds (its announce, or its reply to ours). */
  readonly #known = new Map<string, HeadInfo>()
  #dirty = false
  #running: Promise<void> | undefined
  #enabled = false
  #announcedSeq: number

  constructor (private readonly ctx: AnnouncerContext) {
    this.#announcedSeq = ctx.replica.seq
  }

  /** True while a round is under way. */
  get busy (): boolean { return this.#running !== undefined }

  /** Whether rounds may run (off while the service is stopped). */
  set enabled (value: boolean) { this.#enabled = value }

  /**
   * Announce soon. What a pull applied is announced once the puller is done with that peer
   * (entries and checkpoint in one round), unless `now`; the round starts on the next microtask,
   * so the `applied` and `checkpoint` events of one write make one round.
   */
  schedule (now = false): void {
    if (!this.#enabled) return
    this.#dirty = true
    if (this.#running !== undefined || (!now && this.ctx.puller.busy)) return
    this.#running = (async () => {
      await Promise.resolve()
      while (this.#dirty && this.#enabled) {
        this.#dirty = false
        await this.#round()
      }
    })().finally(() => { this.#running = undefined })
  }

  /** Run a deferred round, if one is pending (the puller calls this when it is done with a peer). */
  flush (): void {
    if (this.#dirty) this.schedule(true)
  }

  /** Resolves when no round is under way. */
  async idle (): Promise<void> {
    while (this.#running !== undefined) await this.#running
  }

  /**
   * What `peer` said it holds (its announce, or its reply to ours): a round leaves out a peer that
   * already holds our head and checkpoint, so a change floods the mesh without echoing back to
   * where it came from. Heads only move forward; `forget` drops a peer (its connection closed).
   */
  noteHead (peer: string, info: HeadInfo): void {
    this.#known.set(peer, { seq: info.seq, head: info.head, ...(info.checkpoint === undefined ? {} : { checkpoint: info.checkpoint }) })
  }

  forget (peer: string): void {
    this.#known.delete(peer)
  }

  #holds (peer: string, info: HeadInfo): boolean {
    const known = this.#known.get(peer)
    if (known === undefined || known.seq !== info.seq || !sameBytes(known.head, info.head)) return false
    if (info.checkpoint === undefined) return true
    return known.checkpoint !== undefined && sameBytes(known.checkpoint.bytes, info.checkpoint.bytes)
  }

  /** Tell one peer our head (no entries). */
  async announceTo (peer: string): Promise<void> {
    await this.#one(headInfo(this.ctx.replica), peer)
  }

  async #round (): Promise<void> {
    this.stats.announceRounds++
    const info: AnnounceInfo = headInfo(this.ctx.replica)
    const entries = this.#newEntries()
    if (entries.length > 0) info.entries = entries
    const connected = this.ctx.peers()
    const peers = connected.filter((peer) => !this.#holds(peer, info))
    this.stats.announcesSkipped += connected.length - peers.length
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < peers.length) await this.#one(info, peers[next++] as string)
    }
    await Promise.all(Array.from({ length: Math.min(this.ctx.concurrency, peers.length) }, worker))
  }

  /**
   * The entries applied since the last round (the newest ANNOUNCE_MAX_ENTRIES, within
   * ANNOUNCE_ENTRIES_MAX_BYTES), sent along so that a peer one step behind needs no second request.
   */
  #newEntries (): Uint8Array[] {
    const seq = this.ctx.replica.seq
    const since = Math.max(this.#announcedSeq, seq - ANNOUNCE_MAX_ENTRIES)
    this.#announcedSeq = seq
    const out: Uint8Array[] = []
    let size = 0
    for (const signed of this.ctx.replica.entriesAfter(since, ANNOUNCE_MAX_ENTRIES).reverse()) {
      const wire = encodeSignedEntry(signed)
      if (size + wire.length > ANNOUNCE_ENTRIES_MAX_BYTES) break
      out.unshift(wire)
      size += wire.length
    }
    return out
  }

  async #one (info: AnnounceInfo, peer: string): Promise<void> {
    try {
      const reply = await sendAnnounce(this.ctx.host, peer, info, this.ctx.request())
      this.stats.announcesSent++
      this.noteHead(peer, reply)
      if (isNews(this.ctx.replica, reply)) this.ctx.puller.enqueue(peer, reply)
    } catch (err) {
      this.stats.announceFailures++
      this.ctx.log.debug({ peer, err: isLienthongError(err) ? err.code : 'unknown' }, 'registry announce failed')
    }
  }
}
