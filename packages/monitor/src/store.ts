import { silentLogger, type Logger } from '@lienthong/errors'
import type { BatchOp, Database, Namespace, NamespaceName } from '@lienthong/store'
import { MONITOR_NAMESPACE } from './constants.js'
import { alertIdOf, alertKey, decodeAlert, decodeNodeSeen, encodeAlert, encodeNodeSeen } from './codec.js'
import type { Alert, AlertQuery, NodeSeen } from './types.js'

const encoder = new TextEncoder()

/**
 * The monitor's records in the coordinator's database: the alert log (`monitor-alerts`, by id)
 * and what is known of each node (`monitor-nodes`, by PeerId). Writes go one at a time, in the
 * order they were asked for, so a later state never lands before an earlier one.
 */
export class MonitorStore {
  readonly #db: Database
  readonly #alerts: Namespace
  readonly #nodes: Namespace
  readonly #log: Logger
  #tail: Promise<unknown> = Promise.resolve()

  constructor (db: Database, logger: Logger = silentLogger) {
    this.#db = db
    // The names are the monitor's own; the store lists every namespace of the data folder.
    this.#alerts = db.namespace(MONITOR_NAMESPACE.ALERTS as string as NamespaceName)
    this.#nodes = db.namespace(MONITOR_NAMESPACE.NODES as string as NamespaceName)
    this.#log = logger
  }

  /** Every stored node record (damaged ones are logged and skipped). */
  async loadNodes (): Promise<NodeSeen[]> {
    const out: NodeSeen[] = []
    for await (const [key, value] of this.#nodes.iterator()) {
      const seen = decodeNodeSeen(value)
      if (seen === undefined) this.#log.error({ key: Buffer.from(key).toString('utf8').slice(0, 128) }, 'damaged monitor node record skipped')
      else out.push(seen)
    }
    return out
  }

  /** The largest alert id stored (0 when none). */
  async lastAlertId (): Promise<number> {
    for await (const key of this.#alerts.keys({ reverse: true, limit: 1 })) return alertIdOf(key) ?? 0
    return 0
  }

  /** Alerts with a notification still pending (to resume sending after a restart). */
  async unfinishedAlerts (): Promise<Alert[]> {
    const out: Alert[] = []
    for await (const alert of this.#scan({})) {
      if (alert.notifications.some(n => n.status === 'pending')) out.push(alert)
    }
    return out
  }

  async alert (id: number): Promise<Alert | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) return undefined
    const value = await this.#alerts.get(alertKey(id))
    return value === undefined ? undefined : decodeAlert(value)
  }

  /** Alerts in id order (see AlertQuery); with neither `since` nor `after`, the newest `limit`. */
  async alerts (query: AlertQuery & { limit: number }): Promise<Alert[]> {
    const out: Alert[] = []
    const newest = query.since === undefined && query.after === undefined
    for await (const alert of this.#scan({ reverse: newest, ...(query.after === undefined ? {} : { gt: alertKey(query.after) }) })) {
      if (query.since !== undefined && alert.detectedAt < query.since) continue
      if (query.peerId !== undefined && alert.peerId !== query.peerId) continue
      out.push(alert)
      if (out.length >= query.limit) break
    }
    return newest ? out.reverse() : out
  }

  /**
   * Persist alerts and node records in one atomic batch. `sync` (fsync) for alerts, which are
   * evidence; a heartbeat's last-seen time alone is written without it (losing the last few on
   * a crash only delays nothing: silence is counted from the restart).
   */
  async write (records: { alerts?: readonly Alert[], nodes?: readonly NodeSeen[] }, sync: boolean): Promise<void> {
    const ops: BatchOp[] = [
      ...(records.alerts ?? []).map(a => ({ type: 'put' as const, namespace: this.#alerts, key: alertKey(a.id), value: encodeAlert(a) })),
      ...(records.nodes ?? []).map(n => ({ type: 'put' as const, namespace: this.#nodes, key: encoder.encode(n.peerId), value: encodeNodeSeen(n) }))
    ]
    const run = this.#tail.then(async () => { await this.#db.batch(ops, { sync }) })
    this.#tail = run.catch(() => {})
    await run
  }

  /** Wait for every write asked for so far. */
  async flush (): Promise<void> {
    await this.#tail
  }

  async * #scan (range: { gt?: Uint8Array, reverse?: boolean }): AsyncGenerator<Alert> {
    for await (const [key, value] of this.#alerts.iterator(range)) {
      const alert = decodeAlert(value)
      if (alert === undefined) this.#log.error({ id: alertIdOf(key) ?? -1 }, 'damaged monitor alert skipped')
      else yield alert
    }
  }
}
