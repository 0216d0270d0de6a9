import { Emitter, LienthongError, silentLogger, type Listener, type Logger } from '@lienthong/errors'
import type { NodeRecord, RegistryState } from '@lienthong/registry'
import type { Database } from '@lienthong/store'
import { checkOfflineAfterMs, type Operators } from './config.js'
import {
  ADDRESS_REPORT_INTERVAL_MS, DEFAULT_ALERTS_LIMIT, MAX_ALERTS_LIMIT, MAX_CHECK_INTERVAL_MS
} from './constants.js'
import { Dispatcher } from './dispatcher.js'
import { MonitorErrorCode } from './errors.js'
import type { Notifier } from './notifier.js'
import { MonitorStore } from './store.js'
import type { Alert, AlertQuery, ConnectionInfo, HeartbeatReport, MonitorEvents, NodeSeen } from './types.js'
import { buildAlert, connectionInfo, copyReport, isMonitored, sameAddresses, unseen, type AlertDraft } from './views.js'

/** What a ConnectionMonitor needs. */
export interface ConnectionMonitorComponents {
  /** The coordinator's RegistryReplica (which nodes exist, their state, contacts, hosted units). */
  replica: { readonly state: RegistryState }
  /** The coordinator's database: the monitor keeps its records in its own namespaces. */
  db: Database
  notifier: Notifier
  /** Silence after which a node is offline; at most MAX_OFFLINE_AFTER_MS (`monitor-config-invalid`). */
  offlineAfterMs: number
  /** The heartbeat interval nodes follow (the registry parameter); bounds detection reporting. */
  heartbeatIntervalMs: number
  /** Who receives every alert besides the node's contacts. */
  operators: Operators
  /** Clock (default Date.now). */
  now?: () => number
  logger?: Logger
}

function positiveInteger (name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new LienthongError(MonitorErrorCode.CONFIG_INVALID, `${name} must be a positive integer`, { field: name })
  }
  return value
}

/**
 * Watches the nodes' heartbeats: records each one (online since, version, addresses, registry
 * lag, queues), marks a trial or official node offline once it has been silent for
 * `offlineAfterMs` (a node not heard since the monitor started counts as silent from the start),
 * raises an alert and has every contact and operator notified by e-mail and SMS (retried until
 * sent), and raises a `recovered` alert when it is heard again. Alerts and last-seen state
 * persist in the database and survive restarts; unsent notices resume.
 */
export class ConnectionMonitor {
  /** How often the checker looks at least: min(1 s, offlineAfterMs / 10). */
  readonly checkIntervalMs: number
  readonly offlineAfterMs: number
  readonly heartbeatIntervalMs: number
  readonly #c: ConnectionMonitorComponents
  readonly #now: () => number
  readonly #log: Logger
  readonly #events: Emitter<MonitorEvents>
  readonly #nodes = new Map<string, NodeSeen>()
  /** When each watched node started being watched (the start, or when it became trial/official). */
  readonly #watchSince = new Map<string, number>()
  readonly #reported = new Map<string, { key: string, at: number }>()
  readonly #pending = new Set<Promise<void>>()
  #store: MonitorStore | undefined
  #dispatcher: Dispatcher | undefined
  #timer: NodeJS.Timeout | undefined
  #nextId = 1
  #running = false

  constructor (components: ConnectionMonitorComponents) {
    if (components == null || typeof components !== 'object') throw new TypeError('components must be an object')
    this.offlineAfterMs = checkOfflineAfterMs(components.offlineAfterMs, 'offlineAfterMs')
    this.heartbeatIntervalMs = positiveInteger('heartbeatIntervalMs', components.heartbeatIntervalMs)
    this.checkIntervalMs = Math.max(1, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(this.offlineAfterMs / 10)))
    this.#c = components
    this.#now = components.now ?? Date.now
    this.#log = components.logger ?? silentLogger
    this.#events = new Emitter(this.#log, 'monitor')
  }

  /** Load the persisted state, resume unsent notices and start watching. */
  async start (): Promise<void> {
    if (this.#running) return
    const store = new MonitorStore(this.#c.db, this.#log)
    for (const seen of await store.loadNodes()) this.#nodes.set(seen.peerId, seen)
    this.#nextId = await store.lastAlertId() + 1
    const dispatcher = new Dispatcher({
      notifier: this.#c.notifier, store, now: this.#now, logger: this.#log,
      onAttempt: (alert, notification) => { this.#events.emit('notification', { alert, notification }) }
    })
    for (const alert of await store.unfinishedAlerts()) dispatcher.dispatch(alert)
    this.#store = store
    this.#dispatcher = dispatcher
    this.#running = true
    this.#watchSince.clear()
    this.#check()
    this.#log.info({ offlineAfterMs: this.offlineAfterMs, nodes: this.#nodes.size }, 'connection monitor started')
  }

  /** Stop watching and sending; pending notices stay in the log and resume at the next start. */
  async stop (): Promise<void> {
    if (!this.#running) return
    this.#running = false
    clearTimeout(this.#timer)
    await Promise.allSettled([...this.#pending])
    await this.#dispatcher?.stop()
    await this.#store?.flush()
  }

  /** Listen to `alert`, `notification`, `addresses` or `status`; returns the function that stops listening. */
  on<K extends keyof MonitorEvents>(type: K, listener: Listener<MonitorEvents[K]>): () => void {
    return this.#events.on(type, listener)
  }

  /**
   * Record a heartbeat from `peerId` (authenticated by the transport). Resolves true once it is
   * recorded (and a `recovered` alert persisted, if the node was offline); false for a node the
   * registry does not list, which is ignored. Raises `addresses` when the node reports addresses
   * the registry does not hold.
   */
  async recordHeartbeat (peerId: string, report: HeartbeatReport): Promise<boolean> {
    if (typeof peerId !== 'string') throw new TypeError('peerId must be a PeerId string')
    if (report == null || typeof report !== 'object') throw new TypeError('report must be a heartbeat body')
    const store = this.#usable()
    const state = this.#c.replica.state
    const node = state.nodes.get(peerId)
    if (node === undefined) {
      this.#log.info({ peerId }, 'heartbeat from a node not in the registry ignored')
      return false
    }
    const now = this.#now()
    const previous = this.#nodes.get(peerId) ?? unseen(peerId)
    const seen: NodeSeen = {
      peerId,
      status: 'online',
      since: previous.status === 'online' ? previous.since : now,
      lastHeartbeatAt: now,
      report: copyReport(report),
      registryLag: state.seq - report.registrySeq,
      clockOffsetMs: now - report.sentAt,
      offlineAlertId: null,
      silentSince: null
    }
    this.#nodes.set(peerId, seen)
    let alert: Alert | undefined
    // Only an offline alert gets a recovery notice (a suspended or revoked node goes offline quietly).
    if (previous.status === 'offline' && previous.offlineAlertId !== null) {
      alert = this.#alert(state, node, {
        kind: 'recovered', detectedAt: now, lastHeartbeatAt: now, silentSince: previous.silentSince ?? now, offlineAlertId: previous.offlineAlertId
      })
    }
    if (previous.status !== 'online') this.#events.emit('status', { peerId, status: 'online', since: now })
    this.#checkAddresses(node, seen.report?.addresses ?? [], now)
    if (alert === undefined) {
      await store.write({ nodes: [seen] }, false)
    } else {
      await this.#raise(store, alert, seen)
    }
    return true
  }

  /** Every node in the registry with its connection state, by PeerId. */
  connections (): ConnectionInfo[] {
    const state = this.#c.replica.state
    return [...state.nodes.values()]
      .sort((a, b) => a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0)
      .map(node => connectionInfo(state, node, this.#nodes.get(node.peerId)))
  }

  /** One node's connection state (undefined if the registry does not list it). */
  connection (peerId: string): ConnectionInfo | undefined {
    const state = this.#c.replica.state
    const node = state.nodes.get(peerId)
    return node === undefined ? undefined : connectionInfo(state, node, this.#nodes.get(peerId))
  }

  /** The alert log (see AlertQuery), each alert with every notification attempt and its times. */
  async alerts (query: AlertQuery = {}): Promise<Alert[]> {
    const limit = query.limit ?? DEFAULT_ALERTS_LIMIT
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ALERTS_LIMIT) throw new RangeError(`limit must be 1..${MAX_ALERTS_LIMIT}`)
    if (query.since !== undefined && !Number.isFinite(query.since)) throw new RangeError('since must be a time in ms')
    if (query.after !== undefined && (!Number.isSafeInteger(query.after) || query.after < 0)) throw new RangeError('after must be an alert id')
    return await this.#usable().alerts({ ...query, limit })
  }

  /** One alert by id. */
  async alert (id: number): Promise<Alert | undefined> {
    return await this.#usable().alert(id)
  }

  #usable (): MonitorStore {
    if (!this.#running || this.#store === undefined) throw new LienthongError(MonitorErrorCode.NOT_RUNNING, 'the connection monitor is not running')
    return this.#store
  }

  #alert (state: RegistryState, node: NodeRecord, draft: Omit<AlertDraft, 'id'>): Alert {
    return buildAlert({ id: this.#nextId++, ...draft }, state, node, this.#c.operators, this.#c.notifier)
  }

  /**
   * Persist the alert with the node's new state and notify at once: sending does not wait for the
   * fsync (the record is taken now, and each attempt's record is queued behind it), so the
   * notices lose no time; the `alert` event follows once the alert is on disk.
   */
  async #raise (store: MonitorStore, alert: Alert, seen: NodeSeen): Promise<void> {
    const written = store.write({ alerts: [alert], nodes: [seen] }, true)
    this.#log.warn({ alert: alert.id, kind: alert.kind, peerId: alert.peerId, notifications: alert.notifications.length }, 'connection alert')
    this.#dispatcher?.dispatch(alert)
    const tracked = written.finally(() => { this.#events.emit('alert', alert) })
    this.#pending.add(tracked)
    try {
      await tracked
    } finally {
      this.#pending.delete(tracked)
    }
  }

  #checkAddresses (node: NodeRecord, addresses: readonly string[], now: number): void {
    if (addresses.length === 0 || sameAddresses(addresses, node.addresses)) {
      this.#reported.delete(node.peerId)
      return
    }
    const key = [...addresses].sort().join(' ')
    const last = this.#reported.get(node.peerId)
    if (last !== undefined && last.key === key && now - last.at < ADDRESS_REPORT_INTERVAL_MS) return
    this.#reported.set(node.peerId, { key, at: now })
    this.#events.emit('addresses', { peerId: node.peerId, addresses: [...addresses], registered: [...node.addresses] })
  }

  /** A node not watched (suspended, revoked) that has gone silent is shown offline, without an alert. */
  #quietlyOffline (store: MonitorStore, peerId: string, now: number): void {
    const seen = this.#nodes.get(peerId)
    if (seen?.status !== 'online' || seen.lastHeartbeatAt === null || now - seen.lastHeartbeatAt < this.offlineAfterMs) return
    const offline: NodeSeen = { ...seen, status: 'offline', since: now, offlineAlertId: null, silentSince: seen.lastHeartbeatAt }
    this.#nodes.set(peerId, offline)
    this.#events.emit('status', { peerId, status: 'offline', since: now })
    store.write({ nodes: [offline] }, false).catch((err: unknown) => {
      this.#log.error({ peerId, err: err instanceof LienthongError ? err.code : 'unknown' }, 'could not persist a node state')
    })
  }

  /** Mark overdue nodes offline, then sleep until the next one is due (at most checkIntervalMs). */
  #check (): void {
    if (!this.#running) return
    const store = this.#store as MonitorStore
    const now = this.#now()
    const state = this.#c.replica.state
    let nextDue = now + this.checkIntervalMs
    for (const node of state.nodes.values()) {
      if (!isMonitored(node)) {
        this.#watchSince.delete(node.peerId)
        this.#quietlyOffline(store, node.peerId, now)
        continue
      }
      let watchSince = this.#watchSince.get(node.peerId)
      if (watchSince === undefined) this.#watchSince.set(node.peerId, watchSince = now)
      const seen = this.#nodes.get(node.peerId) ?? unseen(node.peerId)
      // Alerted already; a node that went offline quietly while not watched is judged afresh.
      if (seen.status === 'offline' && seen.offlineAlertId !== null) continue
      const silentSince = Math.max(seen.lastHeartbeatAt ?? watchSince, watchSince)
      const due = silentSince + this.offlineAfterMs
      if (now < due) {
        nextDue = Math.min(nextDue, due)
        continue
      }
      const alert = this.#alert(state, node, { kind: 'offline', detectedAt: now, lastHeartbeatAt: seen.lastHeartbeatAt, silentSince })
      const since = seen.status === 'offline' ? seen.since ?? now : now
      const offline: NodeSeen = { ...seen, status: 'offline', since, offlineAlertId: alert.id, silentSince }
      this.#nodes.set(node.peerId, offline)
      if (seen.status !== 'offline') this.#events.emit('status', { peerId: node.peerId, status: 'offline', since })
      this.#raise(store, alert, offline).catch((err: unknown) => {
        this.#log.error({ alert: alert.id, err: err instanceof LienthongError ? err.code : 'unknown' }, 'could not persist an alert')
      })
    }
    this.#timer = setTimeout(() => { this.#check() }, Math.max(0, nextDue - this.#now()))
    this.#timer.unref()
  }
}
