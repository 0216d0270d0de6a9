import type { Connection } from '@libp2p/interface'
import type { NodeKey } from '@lienthong/crypto'
import { isLienthongError, LienthongError, silentLogger, type Logger } from '@lienthong/errors'
import { encodeSignedEntry, RegistryErrorCode } from '@lienthong/registry'
import { REGISTRY_PROTOCOL } from '../constants.js'
import { serveRequests } from '../frames.js'
import type { Host } from '../host.js'
import { Announcer, headInfo, type AnnounceStats } from './announcer.js'
import type { SyncRequestOptions } from './client.js'
import {
  DEFAULT_ANNOUNCE_CONCURRENCY, DEFAULT_ANTI_ENTROPY_INTERVAL_MS, DEFAULT_CHECKPOINT_INTERVAL_MS,
  DEFAULT_SYNC_REQUEST_TIMEOUT_MS, SYNC_MAX_REQUEST_BYTES, SYNC_PAGE_MAX_BYTES
} from './constants.js'
import { decodeSyncRequest, encodeEntriesReply, encodeHeadReply } from './messages.js'
import { isNews, Puller, sameBytes, type PullStats } from './puller.js'
import type { RegistryReplica } from './replica.js'

/** What `createRegistrySync` needs. */
export interface RegistrySyncInit {
  host: Host
  replica: RegistryReplica
  logger?: Logger
  /** Only on the coordinator: its key, to sign checkpoints after appends and periodically. */
  coordinatorKey?: NodeKey
  /** Coordinator checkpoint period (default: min(5 min, stalenessLimitMs / 4), read at each tick). */
  checkpointIntervalMs?: number
  /** Ask one connected peer for its head this often (default 30 s). */
  antiEntropyIntervalMs?: number
  /** Peers announced to at once (default 8). */
  announceConcurrency?: number
  /** Deadline of each sync request (default 10 s). */
  requestTimeoutMs?: number
  /**
   * Which connected peers to pull from and announce to (default: all). The coordinator leaves
   * out applicants whose connection only exists for their join assessment. Requests from any
   * connected peer are still served.
   */
  syncPeers?: (peerId: string) => boolean
}

/** Counters of a sync service (alarms by code come from the replica). */
export interface RegistrySyncStats extends PullStats, AnnounceStats {
  alarms: Record<string, number>
}

function positive (name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number`)
  return v
}

/**
 * Registry sync over REGISTRY_PROTOCOL (a Startable service). Serves `head`, `entries` and
 * `announce`; announces the head to every connected peer whenever the replica applies entries or
 * takes a newer checkpoint (so heads travel node to node, and a revocation reaches a node that
 * cannot reach the coordinator); pulls from peers that are ahead, from a peer on each new
 * connection, and from one peer every anti-entropy period. A head or entries that do not extend
 * our chain are refused and raised as `registry-fork` alarms on the replica. With
 * `coordinatorKey` it also signs checkpoints: after each applied batch that has none, and
 * periodically.
 */
export class RegistrySync {
  readonly #host: Host
  readonly #replica: RegistryReplica
  readonly #log: Logger
  readonly #key: NodeKey | undefined
  readonly #options: { checkpointIntervalMs?: number, antiEntropyIntervalMs: number, concurrency: number, timeoutMs: number }
  readonly #puller: Puller
  readonly #announcer: Announcer
  readonly #cleanup: (() => void)[] = []
  readonly #pending = new Set<Promise<unknown>>()
  readonly #syncPeer: (peerId: string) => boolean
  #abort = new AbortController()
  #started = false
  #peerCursor = 0
  #checkpointTimer: NodeJS.Timeout | undefined

  constructor (init: RegistrySyncInit) {
    if (init == null || typeof init !== 'object' || init.host == null || init.replica == null) throw new TypeError('init needs a host and a replica')
    this.#host = init.host
    this.#replica = init.replica
    this.#log = (init.logger ?? silentLogger).child({ component: 'lienthong:registry-sync' })
    this.#key = init.coordinatorKey
    if (init.syncPeers !== undefined && typeof init.syncPeers !== 'function') throw new TypeError('init.syncPeers must be a function')
    this.#syncPeer = init.syncPeers ?? (() => true)
    this.#options = {
      ...(init.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: positive('checkpointIntervalMs', init.checkpointIntervalMs, 1) }),
      antiEntropyIntervalMs: positive('antiEntropyIntervalMs', init.antiEntropyIntervalMs, DEFAULT_ANTI_ENTROPY_INTERVAL_MS),
      concurrency: Math.floor(positive('announceConcurrency', init.announceConcurrency, DEFAULT_ANNOUNCE_CONCURRENCY)),
      timeoutMs: positive('requestTimeoutMs', init.requestTimeoutMs, DEFAULT_SYNC_REQUEST_TIMEOUT_MS)
    }
    this.#puller = new Puller({
      host: this.#host,
      replica: this.#replica,
      log: this.#log,
      request: () => this.#requestOptions(),
      announceTo: peer => { this.#track(this.#announcer.announceTo(peer)) },
      afterItem: () => { this.#announcer.flush() }
    })
    this.#announcer = new Announcer({
      host: this.#host,
      replica: this.#replica,
      puller: this.#puller,
      log: this.#log,
      request: () => this.#requestOptions(),
      peers: () => this.#peers(),
      concurrency: this.#options.concurrency
    })
  }

  /** Counters since start. */
  get stats (): RegistrySyncStats {
    return { ...this.#puller.stats, ...this.#announcer.stats, alarms: this.#replica.alarmCounts() }
  }

  /** Serve the protocol, listen to the replica and connections, start the timers. */
  async start (): Promise<void> {
    if (this.#started) return
    const state = this.#replica.state
    if (this.#key !== undefined && state.seq >= 0 && !sameBytes(this.#key.publicKey, state.coordinatorKey)) {
      throw new LienthongError(RegistryErrorCode.WRONG_KEY, 'coordinatorKey is not the registry\'s current coordinator key')
    }
    this.#started = true
    this.#abort = new AbortController()
    this.#puller.resume()
    this.#announcer.enabled = true
    try {
      await serveRequests(this.#host, REGISTRY_PROTOCOL, (bytes, peer) => this.#serve(bytes, peer), { maxRequestBytes: SYNC_MAX_REQUEST_BYTES })
    } catch (err) {
      this.#started = false
      this.#announcer.enabled = false
      throw err
    }
    this.#cleanup.push(
      this.#replica.on('applied', e => {
        if (this.#key !== undefined && (this.#replica.latestCheckpoint?.checkpoint.seq ?? -1) < this.#replica.seq) this.#checkpointNow()
        this.#announcer.schedule(e.source === 'local')
      }),
      this.#replica.on('checkpoint', e => { this.#announcer.schedule(e.source === 'local') })
    )
    const onOpen = (evt: CustomEvent<Connection>): void => {
      const peer = evt.detail.remotePeer.toString()
      if (this.#syncPeer(peer)) this.#puller.enqueue(peer)
    }
    const onClose = (evt: CustomEvent<Connection>): void => {
      const peer = evt.detail.remotePeer.toString()
      if (!this.#host.connectedPeers().includes(peer)) this.#announcer.forget(peer)
    }
    this.#host.node.addEventListener('connection:open', onOpen)
    this.#host.node.addEventListener('connection:close', onClose)
    this.#cleanup.push(() => {
      this.#host.node.removeEventListener('connection:open', onOpen)
      this.#host.node.removeEventListener('connection:close', onClose)
    })
    const antiEntropy = setInterval(() => { this.#antiEntropy() }, this.#options.antiEntropyIntervalMs)
    antiEntropy.unref()
    this.#cleanup.push(() => { clearInterval(antiEntropy) })
    if (this.#key !== undefined) {
      this.#scheduleCheckpoint()
      if ((this.#replica.latestCheckpoint?.checkpoint.seq ?? -1) < this.#replica.seq) this.#checkpointNow()
    }
    for (const peer of this.#peers()) this.#puller.enqueue(peer)
  }

  /** Stop serving, cancel requests in flight and wait for the work under way. Safe to call twice. */
  async stop (): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#announcer.enabled = false
    this.#abort.abort()
    clearTimeout(this.#checkpointTimer)
    for (const fn of this.#cleanup.splice(0)) fn()
    try {
      await this.#host.unhandle(REGISTRY_PROTOCOL)
    } catch {
      // the host is already stopped
    }
    await this.#puller.stop()
    await Promise.allSettled([...this.#pending, this.#announcer.idle()])
  }

  /** Queue a sync with `peer` (asks for its head, pulls if it is ahead). */
  syncWith (peer: string): void {
    if (this.#started) this.#puller.enqueue(peer)
  }

  /** Resolves once no pull is queued or running and no announce round is under way. */
  async idle (): Promise<void> {
    do {
      await this.#puller.idle()
      await this.#announcer.idle()
    } while (this.#puller.busy || this.#announcer.busy)
  }

  /** Announce our head to every connected peer now; resolves when the round is done. */
  async announce (): Promise<void> {
    this.#announcer.schedule(true)
    await this.#announcer.idle()
  }

  /** Connected peers we sync with. */
  #peers (): string[] {
    return this.#host.connectedPeers().filter(peer => this.#syncPeer(peer))
  }

  #requestOptions (): SyncRequestOptions {
    return { timeoutMs: this.#options.timeoutMs, signal: this.#abort.signal }
  }

  #serve (bytes: Uint8Array, peer: string): Uint8Array {
    const request = decodeSyncRequest(bytes)
    switch (request.type) {
      case 'head':
        return encodeHeadReply(headInfo(this.#replica))
      case 'entries': {
        const page: Uint8Array[] = []
        let size = 0
        for (const signed of this.#replica.entriesAfter(request.after, request.limit)) {
          const wire = encodeSignedEntry(signed)
          if (page.length > 0 && size + wire.length > SYNC_PAGE_MAX_BYTES) break
          page.push(wire)
          size += wire.length
        }
        return encodeEntriesReply(page)
      }
      case 'announce': {
        const reply = encodeHeadReply(headInfo(this.#replica))
        const { type: _type, ...info } = request
        this.#announcer.noteHead(peer, info)
        if (isNews(this.#replica, info) && this.#syncPeer(peer)) this.#puller.enqueue(peer, info)
        return reply
      }
    }
  }

  #antiEntropy (): void {
    const peers = this.#peers()
    if (peers.length === 0) return
    this.#peerCursor = (this.#peerCursor + 1) % peers.length
    this.#puller.enqueue(peers[this.#peerCursor] as string)
  }

  #checkpointNow (): void {
    const key = this.#key
    if (key === undefined || this.#replica.seq < 0) return
    this.#track(this.#replica.checkpointHead(key).then(result => {
      if (!result.accepted) this.#log.warn({ code: result.code }, 'own checkpoint not accepted')
    }, (err: unknown) => {
      this.#log.error({ err: isLienthongError(err) ? err.code : 'unknown' }, 'could not sign a checkpoint')
    }))
  }

  #scheduleCheckpoint (): void {
    const limit = this.#replica.state.params.stalenessLimitMs
    const period = this.#options.checkpointIntervalMs ?? Math.min(DEFAULT_CHECKPOINT_INTERVAL_MS, Math.floor(limit / 4))
    this.#checkpointTimer = setTimeout(() => {
      this.#checkpointNow()
      if (this.#started) this.#scheduleCheckpoint()
    }, period)
    this.#checkpointTimer.unref()
  }

  #track (promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {}).finally(() => { this.#pending.delete(tracked) })
    this.#pending.add(tracked)
  }
}

/** Build the registry sync service (start it with `start()`). */
export function createRegistrySync (init: RegistrySyncInit): RegistrySync {
  return new RegistrySync(init)
}
