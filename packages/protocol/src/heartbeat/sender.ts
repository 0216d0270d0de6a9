import { isLienthongError, silentLogger, type Logger } from '@lienthong/errors'
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '@lienthong/registry'
import { HEARTBEAT_PROTOCOL } from '../constants.js'
import { checkTimeout } from '../deadline.js'
import { request } from '../frames.js'
import type { Host } from '../host.js'
import type { PeerTarget } from '../target.js'
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, MAX_HEARTBEAT_REPLY_BYTES } from './constants.js'
import {
  decodeHeartbeatReply, encodeHeartbeat, type HeartbeatBody, type HeartbeatReply, type HeartbeatStatus
} from './messages.js'

/** Options of `sendHeartbeat`. */
export interface SendHeartbeatOptions {
  /** Deadline of the exchange, dial included (default 10 s). */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * Send one heartbeat and read the reply. Failures are the typed errors of `request()`
 * (`protocol-*`, the coordinator's refusal as `protocol-remote-error` + `meta.remoteCode`) or
 * `heartbeat-bad-message` for a malformed reply.
 */
export async function sendHeartbeat (host: Host, coordinator: PeerTarget, body: HeartbeatBody,
  options: SendHeartbeatOptions = {}): Promise<HeartbeatReply> {
  const bytes = encodeHeartbeat(body)
  const reply = await request(host, coordinator, HEARTBEAT_PROTOCOL, bytes, {
    timeoutMs: options.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
    maxResponseBytes: MAX_HEARTBEAT_REPLY_BYTES,
    ...(options.signal === undefined ? {} : { signal: options.signal })
  })
  return decodeHeartbeatReply(reply)
}

/** One answered heartbeat, with the node's estimate of the coordinator's clock offset. */
export interface HeartbeatResult {
  reply: HeartbeatReply
  sentAt: number
  receivedAt: number
  roundTripMs: number
  /** serverTime − (sentAt + roundTripMs / 2): positive when the coordinator's clock is ahead. */
  clockSkewMs: number
}

/** What `startHeartbeats` needs. */
export interface HeartbeatSenderInit {
  host: Host
  /** The coordinator: its PeerId (addresses known to the host) or a multiaddr ending in /p2p/. */
  coordinator: PeerTarget
  /** The interval to wait next, read before every heartbeat (from the registry's network params). */
  intervalMs: () => number
  /** The node's current state; `sentAt` is stamped by the sender. */
  collect: () => HeartbeatStatus | Promise<HeartbeatStatus>
  logger?: Logger
  /** Clock (default Date.now). */
  now?: () => number
  /** Deadline of one exchange (default 10 s, never more than the interval). */
  timeoutMs?: number
  /** Called with every answered heartbeat (e.g. to report clock skew). */
  onReply?: (result: HeartbeatResult) => void
}

/** Counters of a running sender. */
export interface HeartbeatSenderStats {
  sent: number
  failed: number
  lastSuccessAt: number | null
  /** Code of the last failure, null after a success. */
  lastError: string | null
  lastClockSkewMs: number | null
}

/** A running heartbeat loop. */
export interface HeartbeatSender {
  readonly stats: Readonly<HeartbeatSenderStats>
  /** Send a heartbeat now (e.g. the coordinator link just opened); no-op while one is in flight. */
  beatNow: () => void
  /** Stop the loop and abort the heartbeat in flight. Idempotent. */
  stop: () => Promise<void>
}

class Sender implements HeartbeatSender {
  readonly stats: HeartbeatSenderStats = { sent: 0, failed: 0, lastSuccessAt: null, lastError: null, lastClockSkewMs: null }
  readonly #init: HeartbeatSenderInit
  readonly #log: Logger
  readonly #now: () => number
  #timer: NodeJS.Timeout | undefined
  #controller: AbortController | undefined
  #running: Promise<void> | undefined
  #stopped = false

  constructor (init: HeartbeatSenderInit) {
    this.#init = init
    this.#log = init.logger ?? silentLogger
    this.#now = init.now ?? Date.now
  }

  schedule (delayMs: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => { this.#running = undefined })
    }, delayMs)
    // The host's sockets keep a node alive; the heartbeat timer alone must not.
    this.#timer.unref()
  }

  beatNow (): void {
    if (this.#stopped || this.#running !== undefined) return
    clearTimeout(this.#timer)
    this.schedule(0)
  }

  #interval (): number {
    let value: number
    try {
      value = this.#init.intervalMs()
    } catch {
      value = Number.NaN
    }
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value
    this.#log.warn({ fallbackMs: DEFAULT_HEARTBEAT_INTERVAL_MS }, 'heartbeat interval is not a positive number; using the default')
    return DEFAULT_HEARTBEAT_INTERVAL_MS
  }

  async #tick (): Promise<void> {
    const interval = this.#interval()
    const started = this.#now()
    const controller = new AbortController()
    this.#controller = controller
    try {
      await this.#beat(Math.min(this.#init.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS, interval), controller.signal)
    } finally {
      this.#controller = undefined
      this.schedule(Math.max(0, started + interval - this.#now()))
    }
  }

  async #beat (timeoutMs: number, signal: AbortSignal): Promise<void> {
    let status: HeartbeatStatus
    try {
      status = await this.#init.collect()
    } catch (err) {
      this.stats.failed++
      this.stats.lastError = 'heartbeat-collect-failed'
      this.#log.warn({ err: err instanceof Error ? err.name : typeof err }, 'heartbeat collect() failed')
      return
    }
    const sentAt = this.#now()
    try {
      const reply = await sendHeartbeat(this.#init.host, this.#init.coordinator, { ...status, sentAt }, { timeoutMs, signal })
      const receivedAt = this.#now()
      const roundTripMs = Math.max(0, receivedAt - sentAt)
      const clockSkewMs = Math.round(reply.serverTime - (sentAt + roundTripMs / 2))
      this.stats.sent++
      this.stats.lastSuccessAt = receivedAt
      this.stats.lastError = null
      this.stats.lastClockSkewMs = clockSkewMs
      this.#init.onReply?.({ reply, sentAt, receivedAt, roundTripMs, clockSkewMs })
    } catch (err) {
      if (this.#stopped) return
      this.stats.failed++
      if (err instanceof TypeError) {
        // collect() returned something encodeHeartbeat refuses (e.g. too many addresses): a local bug.
        this.stats.lastError = 'heartbeat-invalid-status'
        this.#log.warn({ reason: err.message.slice(0, 200) }, 'heartbeat status is invalid')
        return
      }
      this.stats.lastError = isLienthongError(err) ? err.code : 'heartbeat-failed'
      // Expected while the coordinator is down: retried at the next tick.
      this.#log.debug({ code: this.stats.lastError }, 'heartbeat failed')
    }
  }

  async stop (): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#controller?.abort()
    await this.#running
  }
}

/**
 * Send a heartbeat to the coordinator at once and then one per interval (`intervalMs()` is read
 * before each, so a new registry parameter applies from the next one). A failed heartbeat is
 * logged at debug and the next one goes out on schedule; at most one is in flight.
 */
export function startHeartbeats (init: HeartbeatSenderInit): HeartbeatSender {
  if (init == null || typeof init !== 'object') throw new TypeError('init must be an object')
  if (typeof init.intervalMs !== 'function') throw new TypeError('init.intervalMs must be a function')
  if (typeof init.collect !== 'function') throw new TypeError('init.collect must be a function')
  if (init.host == null || typeof init.host.dialProtocol !== 'function') throw new TypeError('init.host must be a Host')
  if (init.timeoutMs !== undefined) checkTimeout('timeoutMs', init.timeoutMs)
  const sender = new Sender(init)
  sender.schedule(0)
  return sender
}
