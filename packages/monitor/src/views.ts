import type { NodeRecord, RegistryState } from '@lienthong/registry'
import type { Notifier } from './notifier.js'
import type { Operators } from './config.js'
import type {
  Alert, AlertKind, AlertNotification, AlertOrg, ConnectionInfo, HeartbeatReport, NodeSeen, NotificationChannel
} from './types.js'

/** Trial and official nodes are watched; suspended and revoked ones are not alerted on. */
export function isMonitored (node: NodeRecord): boolean {
  return node.state === 'trial' || node.state === 'official'
}

/** The organisations a node hosts, with their registry names. */
export function orgsOf (state: RegistryState, node: NodeRecord): AlertOrg[] {
  return node.orgs.map(code => ({ code, name: state.orgs.get(code)?.name ?? code }))
}

/** A fresh record for a node not heard of yet. */
export function unseen (peerId: string): NodeSeen {
  return {
    peerId, status: 'unknown', since: null, lastHeartbeatAt: null, report: null, registryLag: null,
    clockOffsetMs: null, offlineAlertId: null, silentSince: null
  }
}

/** A plain copy of a report (only the known fields: nothing else is stored). */
export function copyReport (r: HeartbeatReport): HeartbeatReport {
  return {
    version: r.version,
    sentAt: r.sentAt,
    addresses: [...r.addresses],
    registrySeq: r.registrySeq,
    queues: { queued: r.queues.queued, delivered: r.queues.delivered, failed: r.queues.failed, inboxUnacked: r.queues.inboxUnacked },
    counters: { sent: r.counters.sent, received: r.counters.received, refused: r.counters.refused }
  }
}

function unique (values: readonly string[], normalise: (v: string) => string): string[] {
  const seen = new Set<string>()
  return values.map(v => v.trim()).filter(v => {
    const key = normalise(v)
    if (key === '' || seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function notifications (channel: NotificationChannel, to: string[], configured: boolean, at: number): AlertNotification[] {
  return to.map(address => configured
    ? { channel, to: address, status: 'pending', attempts: 0, tries: [], nextAttemptAt: at }
    : { channel, to: address, status: 'skipped', attempts: 0, tries: [], lastError: channel === 'email' ? 'smtp-not-configured' : 'sms-not-configured' })
}

/** What an alert about `node` starts from (its id and times are the caller's). */
export interface AlertDraft {
  id: number
  kind: AlertKind
  detectedAt: number
  lastHeartbeatAt: number | null
  silentSince: number
  offlineAlertId?: number
}

/** A new alert: one notification per recipient and channel (the node's contacts, then the operators). */
export function buildAlert (draft: AlertDraft, state: RegistryState, node: NodeRecord, operators: Operators, notifier: Notifier): Alert {
  const emails = unique([...node.contacts.email, ...operators.emails], e => e.toLowerCase())
  const phones = unique([...node.contacts.phone, ...operators.phones], p => p.replace(/[^0-9+]/g, ''))
  return {
    ...draft,
    peerId: node.peerId,
    orgs: orgsOf(state, node),
    notifications: [
      ...notifications('email', emails, notifier.channels.email, draft.detectedAt),
      ...notifications('sms', phones, notifier.channels.sms, draft.detectedAt)
    ]
  }
}

/** One node as `GET /v1/connections` shows it. */
export function connectionInfo (state: RegistryState, node: NodeRecord, seen: NodeSeen | undefined): ConnectionInfo {
  const report = seen?.report ?? null
  return {
    peerId: node.peerId,
    orgs: orgsOf(state, node),
    membership: node.state,
    monitored: isMonitored(node),
    status: seen?.status ?? 'unknown',
    since: seen?.since ?? null,
    lastHeartbeatAt: seen?.lastHeartbeatAt ?? null,
    version: report?.version ?? null,
    addresses: report?.addresses ?? node.addresses,
    registrySeq: report?.registrySeq ?? null,
    registryLag: seen?.registryLag ?? null,
    queues: report?.queues ?? null,
    counters: report?.counters ?? null,
    clockOffsetMs: seen?.clockOffsetMs ?? null
  }
}

/** The same addresses, in any order. */
export function sameAddresses (a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const set = new Set(a)
  return b.every(x => set.has(x))
}
