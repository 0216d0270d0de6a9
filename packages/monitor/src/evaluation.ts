/**
 * The annual technical evaluation (the regulation: the operator evaluates every unit's connection
 * yearly): per node, uptime, volumes, delivery failures, incidents, pauses, software versions
 * and registry lag. Volumes and lag come from heartbeats, aggregated per node and per day;
 * uptime from the offline/recovered alerts; incidents and pauses from the signed registry.
 */
import type { HeartbeatBody } from '@lienthong/protocol'
import type { RegistryState } from '@lienthong/registry'
import { NAMESPACE, type Database, type Namespace } from '@lienthong/store'
import type { Alert } from './types.js'

/** One node's heartbeats on one day (UTC+7 calendar day). */
export interface DailyStats {
  day: string
  peerId: string
  heartbeats: number
  lagSum: number
  sent: number
  received: number
  refused: number
  failed: number
  versions: string[]
}

/** One row of the report. */
export interface EvaluationRow {
  peerId: string
  orgs: string[]
  state: string
  /** Share of the year (since admission, until now) the node was not offline, in percent. */
  uptimePercent: number
  offlineEpisodes: number
  envelopesSent: number
  envelopesReceived: number
  envelopesRefused: number
  deliveryFailures: number
  incidents: Array<{ at: number, incident: string }>
  pauses: Array<{ at: number, reason: string }>
  versions: string[]
  averageRegistryLag: number | null
  heartbeats: number
}

const VN_OFFSET_MS = 7 * 3600_000
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function dayOf (ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10)
}

/** Start of a calendar year in Vietnam (UTC+7), in Unix ms. */
export function yearStart (year: number): number {
  return Date.UTC(year, 0, 1) - VN_OFFSET_MS
}

type Counters = Pick<HeartbeatBody['counters'], 'sent' | 'received' | 'refused'> & { failed: number }

/** Per-day heartbeat aggregates, kept in the coordinator's database. */
export class EvaluationStats {
  readonly #db: Database
  readonly #ns: Namespace
  readonly #previous = new Map<string, Counters>()
  #tail: Promise<unknown> = Promise.resolve()

  constructor (db: Database) {
    this.#db = db
    this.#ns = db.namespace(NAMESPACE.MONITOR_DAILY)
  }

  /**
   * Add one heartbeat to its day. Counters are cumulative on the node and restart from zero
   * when it restarts; what counts is the increase since the previous heartbeat seen (the first
   * heartbeat after a coordinator restart adds nothing).
   */
  record (peerId: string, body: HeartbeatBody, registrySeq: number, now: number = Date.now()): Promise<void> {
    const run = this.#tail.then(async () => {
      const key = encoder.encode(`${dayOf(now)}\u0000${peerId}`)
      const stored = await this.#ns.get(key)
      const day: DailyStats = stored === undefined
        ? { day: dayOf(now), peerId, heartbeats: 0, lagSum: 0, sent: 0, received: 0, refused: 0, failed: 0, versions: [] }
        : JSON.parse(decoder.decode(stored)) as DailyStats
      const current: Counters = { ...body.counters, failed: body.queues.failed }
      const previous = this.#previous.get(peerId)
      this.#previous.set(peerId, current)
      if (previous !== undefined) {
        for (const name of ['sent', 'received', 'refused', 'failed'] as const) {
          day[name] += current[name] >= previous[name] ? current[name] - previous[name] : current[name]
        }
      }
      day.heartbeats++
      day.lagSum += Math.max(0, registrySeq - body.registrySeq)
      if (!day.versions.includes(body.version)) day.versions.push(body.version)
      // Statistics, not documents: no fsync per heartbeat (a crash loses at most a few seconds).
      await this.#db.batch([{ type: 'put', namespace: this.#ns, key, value: encoder.encode(JSON.stringify(day)) }], { sync: false })
    })
    this.#tail = run.catch(() => {})
    return run
  }

  /** Every day aggregate of a calendar year. */
  async year (year: number): Promise<DailyStats[]> {
    const out: DailyStats[] = []
    const gte = encoder.encode(`${year}-`)
    const lt = encoder.encode(`${year + 1}-`)
    for await (const value of this.#ns.values({ gte, lt })) out.push(JSON.parse(decoder.decode(value)) as DailyStats)
    return out
  }
}

/** Offline time of one node within [from, to), from its alerts (offline → recovered). */
function offlineMs (alerts: readonly Alert[], from: number, to: number): { ms: number, episodes: number } {
  let ms = 0
  let episodes = 0
  const sorted = [...alerts].sort((a, b) => a.id - b.id)
  for (const alert of sorted) {
    if (alert.kind !== 'offline') continue
    const recovered = sorted.find((a) => a.kind === 'recovered' && a.offlineAlertId === alert.id)
    const start = Math.max(from, alert.silentSince)
    const end = Math.min(to, recovered?.detectedAt ?? to)
    if (end > start) { ms += end - start; episodes++ }
  }
  return { ms, episodes }
}

/** Build the report rows for `year` from the registry, the day aggregates and the alerts. */
export function evaluationReport (init: { year: number, state: RegistryState, days: readonly DailyStats[], alerts: readonly Alert[], now?: number }): EvaluationRow[] {
  const now = init.now ?? Date.now()
  const from = yearStart(init.year)
  const to = Math.min(yearStart(init.year + 1), now)
  const rows: EvaluationRow[] = []
  for (const node of init.state.nodes.values()) {
    const admitted = node.history.find((h) => h.event === 'admitted')?.at ?? from
    const windowStart = Math.max(from, admitted)
    if (windowStart >= to) continue
    const inYear = node.history.filter((h) => h.at >= from && h.at < to)
    const days = init.days.filter((d) => d.peerId === node.peerId)
    const heartbeats = days.reduce((n, d) => n + d.heartbeats, 0)
    const offline = offlineMs(init.alerts.filter((a) => a.peerId === node.peerId), windowStart, to)
    rows.push({
      peerId: node.peerId,
      orgs: [...node.orgs],
      state: node.state,
      uptimePercent: Math.round(10_000 * (1 - offline.ms / (to - windowStart))) / 100,
      offlineEpisodes: offline.episodes,
      envelopesSent: days.reduce((n, d) => n + d.sent, 0),
      envelopesReceived: days.reduce((n, d) => n + d.received, 0),
      envelopesRefused: days.reduce((n, d) => n + d.refused, 0),
      deliveryFailures: days.reduce((n, d) => n + d.failed, 0),
      incidents: inYear.filter((h) => h.event === 'revoked').map((h) => ({ at: h.at, incident: h.incident ?? '' })),
      pauses: inYear.filter((h) => h.event === 'suspended').map((h) => ({ at: h.at, reason: h.pauseReason ?? h.reason ?? '' })),
      versions: [...new Set(days.flatMap((d) => d.versions))].sort(),
      averageRegistryLag: heartbeats === 0 ? null : Math.round(100 * days.reduce((n, d) => n + d.lagSum, 0) / heartbeats) / 100,
      heartbeats
    })
  }
  return rows
}

function csvField (value: string | number | null): string {
  const text = value === null ? '' : String(value)
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** The report as CSV (RFC 4180, a header row, one row per node). */
export function evaluationCsv (rows: readonly EvaluationRow[]): string {
  const header = ['peerId', 'orgs', 'state', 'uptimePercent', 'offlineEpisodes', 'envelopesSent', 'envelopesReceived', 'envelopesRefused', 'deliveryFailures', 'incidents', 'pauses', 'versions', 'averageRegistryLag', 'heartbeats']
  const lines = rows.map((r) => [
    r.peerId, r.orgs.join(' '), r.state, r.uptimePercent, r.offlineEpisodes, r.envelopesSent, r.envelopesReceived, r.envelopesRefused,
    r.deliveryFailures, r.incidents.map((i) => i.incident).join('; '), r.pauses.map((p) => p.reason).join('; '), r.versions.join(' '), r.averageRegistryLag, r.heartbeats
  ].map(csvField).join(','))
  return [header.join(','), ...lines].join('\r\n') + '\r\n'
}
