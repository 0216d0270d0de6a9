import type { NodeState } from '@lienthong/registry'

/**
 * What a node's heartbeat reports: the shape of `HeartbeatBody` from @lienthong/protocol
 * (declared here so that the monitor depends on the data, not on the wire module).
 */
export interface HeartbeatReport {
  version: string
  /** The node's clock when it sent the heartbeat (Unix ms). */
  sentAt: number
  addresses: readonly string[]
  registrySeq: number
  queues: { queued: number, delivered: number, failed: number, inboxUnacked: number }
  counters: { sent: number, received: number, refused: number }
}

/** `unknown`: not heard since the coordinator started (or since watching began), not yet overdue. */
export type ConnectionStatus = 'online' | 'offline' | 'unknown'

/** What the monitor knows of a node (persisted in the `monitor-nodes` namespace). */
export interface NodeSeen {
  peerId: string
  status: ConnectionStatus
  /** When the current status began (coordinator clock); null while unknown. */
  since: number | null
  /** When the last heartbeat was received (coordinator clock). */
  lastHeartbeatAt: number | null
  report: HeartbeatReport | null
  /** Coordinator's registry seq minus the node's, at the last heartbeat. */
  registryLag: number | null
  /** Receive time minus the node's `sentAt` at the last heartbeat: clock skew plus transit time. */
  clockOffsetMs: number | null
  /** While offline: the alert raised, and when silence counted from. */
  offlineAlertId: number | null
  silentSince: number | null
}

/** One node in `GET /v1/connections`. */
export interface ConnectionInfo {
  peerId: string
  orgs: AlertOrg[]
  /** Membership state in the registry. */
  membership: NodeState
  /** Trial and official nodes are watched and alerted on; suspended and revoked ones are not. */
  monitored: boolean
  status: ConnectionStatus
  since: number | null
  lastHeartbeatAt: number | null
  version: string | null
  /** Addresses from the last heartbeat, else those in the registry. */
  addresses: readonly string[]
  registrySeq: number | null
  registryLag: number | null
  queues: HeartbeatReport['queues'] | null
  counters: HeartbeatReport['counters'] | null
  clockOffsetMs: number | null
}

export type AlertKind = 'offline' | 'recovered'
export type NotificationChannel = 'email' | 'sms'
/** `skipped`: the channel is not configured (`lastError` says which); `failed`: given up after the maximum age. */
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'skipped'

/** One attempt to send a notification; `error` absent means it was accepted. */
export interface NotificationAttempt {
  at: number
  error?: string
}

/** One notice to one recipient over one channel. */
export interface AlertNotification {
  channel: NotificationChannel
  to: string
  status: NotificationStatus
  /** Attempts made so far (exact, even when older entries of `tries` were dropped). */
  attempts: number
  tries: NotificationAttempt[]
  nextAttemptAt?: number
  /** When the server or gateway accepted it. */
  sentAt?: number
  lastError?: string
}

/** An organisation a node hosts, as the registry names it. */
export interface AlertOrg {
  code: string
  name: string
}

/** A detected change of a node's connection, with every notice sent about it. */
export interface Alert {
  /** Increasing from 1 in detection order. */
  id: number
  peerId: string
  kind: AlertKind
  /** When the monitor detected it (coordinator clock). */
  detectedAt: number
  /** offline: the last heartbeat before the silence (null: never heard); recovered: the heartbeat that ended it. */
  lastHeartbeatAt: number | null
  /** When the silence counted from: the last heartbeat, or when watching began if later. */
  silentSince: number
  /** recovered: the offline alert it closes. */
  offlineAlertId?: number
  orgs: AlertOrg[]
  notifications: AlertNotification[]
}

/** Query of `alerts()`: in id order; with neither `since` nor `after`, the newest `limit`. */
export interface AlertQuery {
  /** Only alerts detected at or after this time (Unix ms). */
  since?: number
  /** Only alerts with a larger id (a cursor). */
  after?: number
  peerId?: string
  /** Default 100, at most 1000. */
  limit?: number
}

/** Raised when a heartbeat carries addresses the registry does not hold; the app appends `node.update-addresses`. */
export interface AddressChange {
  peerId: string
  addresses: string[]
  registered: string[]
}

/** Raised on every status change. */
export interface StatusChange {
  peerId: string
  status: ConnectionStatus
  since: number
}

/** Events of a ConnectionMonitor. */
export interface MonitorEvents {
  alert: Alert
  /** After every attempt to send a notification (the alert as persisted). */
  notification: { alert: Alert, notification: AlertNotification }
  addresses: AddressChange
  status: StatusChange
}
