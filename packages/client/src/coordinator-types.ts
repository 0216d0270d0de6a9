/**
 * The JSON of the coordinator's HTTP API beyond the registry: join and pause requests
 * (`@lienthong/membership` `requestRecordJson`), connections and alerts (`@lienthong/monitor`),
 * the audit log, health. Copied shapes: the client depends on no server package.
 */
import type { NodeState } from './node-types.js'

export type RequestStatus = 'pending' | 'approved' | 'rejected'
export type ChecklistItem = 'infrastructure' | 'network' | 'application' | 'security'
export type AssessmentCheckName = 'reachable' | 'peer-id' | 'protocols' | 'clock-skew'

/** One automated check of a join request. */
export interface AssessmentCheck {
  name: AssessmentCheckName
  ok: boolean
  detail: string
}

/** The automated assessment: the coordinator dialled the node and checked it. */
export interface Assessment {
  ranAt: number
  ok: boolean
  checks: AssessmentCheck[]
  software?: string
  protocols?: string[]
  skewMs?: number
}

/** The operator's verdict on one checklist item. */
export interface ChecklistMark {
  ok: boolean
  note?: string
  by: string
  at: number
}

/** Who decided, when, why. */
export interface Decision {
  by: string
  at: number
  reason?: string
}

/** What a unit asks for when it joins (the signed request, decoded; keys as base64). */
export interface JoinRequestBody {
  version: 1
  network: string
  peerId: string
  publicKey: string
  sealingPublicKey: string
  orgs: string[]
  contacts: { email: string[], phone: string[] }
  addresses: string[]
  services?: Array<{ id: string, org: string, name: string, description?: string, protocol: string }>
  selfAssessment: Record<ChecklistItem, string>
  software: string
  createdAt: number
  nonce: string
}

/** `GET /v1/join-requests/:id` (viewer). */
export interface JoinRequestRecord {
  id: string
  receivedAt: number
  status: RequestStatus
  peerId: string
  request: JoinRequestBody
  decision?: Decision
  assessment?: Assessment
  checklist: Partial<Record<ChecklistItem, ChecklistMark>>
  /** The exact signed request (base64): the evidence. */
  wire: string
}

/** A stored pause request. */
export interface PauseRequestRecord {
  id: string
  receivedAt: number
  status: RequestStatus
  peerId: string
  request: { version: 1, network: string, peerId: string, reason: string, createdAt: number, nonce: string }
  decision?: Decision
  wire: string
}

/** What anyone may read about a request (`GET /v1/join-requests/:id/status`). */
export interface PublicRequestStatus {
  id: string
  status: RequestStatus
  receivedAt: number
  decidedAt?: number
  reason?: string
}

/** A page of requests. */
export interface RequestPage<T> {
  requests: T[]
  next?: string
}

/** `POST /v1/join-requests/:id/assessment` body: re-run the automated checks and/or mark the checklist. */
export interface AssessmentInput {
  rerun?: boolean
  checklist?: Partial<Record<ChecklistItem, { ok: boolean, note?: string }>>
}

export type ConnectionStatus = 'online' | 'offline' | 'unknown'

/** One node as `GET /v1/connections` shows it. */
export interface ConnectionInfo {
  peerId: string
  orgs: Array<{ code: string, name: string }>
  membership: NodeState
  monitored: boolean
  status: ConnectionStatus
  since: number | null
  lastHeartbeatAt: number | null
  version: string | null
  addresses: string[]
  registrySeq: number | null
  registryLag: number | null
  queues: { queued: number, delivered: number, failed: number, inboxUnacked: number } | null
  counters: { sent: number, received: number, refused: number } | null
  clockOffsetMs: number | null
}

/** One notice about an alert, to one recipient over one channel. */
export interface AlertNotification {
  channel: 'email' | 'sms'
  to: string
  status: 'pending' | 'sent' | 'failed' | 'skipped'
  attempts: number
  tries: Array<{ at: number, error?: string }>
  nextAttemptAt?: number
  sentAt?: number
  lastError?: string
}

/** A detected change of a node's connection, with every notice sent about it. */
export interface Alert {
  id: number
  peerId: string
  kind: 'offline' | 'recovered'
  detectedAt: number
  lastHeartbeatAt: number | null
  silentSince: number
  offlineAlertId?: number
  orgs: Array<{ code: string, name: string }>
  notifications: AlertNotification[]
}

/** One admin action: who (token name), when, what, on what, why. */
export interface AuditEntry {
  seq: number
  at: number
  actor: string
  action: string
  target: string
  reason?: string
  detail?: unknown
}

/** `GET /v1/health` of the coordinator. */
export interface CoordinatorHealth {
  /** `degraded` with the reasons in `problems` (e.g. `monitor-stopped`, `notify-sms-failing`). */
  status: 'ok' | 'degraded'
  problems: string[]
  role: 'coordinator'
  network: string
  peerId: string
  uptimeMs: number
  registry: { seq: number, head: string, checkpointSeq: number | null, checkpointAt: number | null, orgs: number, nodes: number, alarms: Record<string, number> }
  peers: { connected: number }
  listen: string[]
}

/** Answer of the node admin routes (promote, suspend, resume, revoke, reinstate). */
export interface NodeChange<N> {
  seq: number
  node: N
}

/** `GET /v1/nodes/:peerId/conformance` [viewer]: whether the node passed the conformance exchange. */
export interface ConformanceView {
  peerId: string
  /** Membership in the registry (null: not in the registry). */
  state: NodeState | null
  passed: boolean
  /** When it passed (Unix ms), the test document it sent, from which organisation, the statuses it got back. */
  at: number | null
  documentId: string | null
  org: string | null
  statuses: string[]
}
