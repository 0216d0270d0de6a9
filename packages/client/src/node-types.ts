/**
 * The JSON of the relay node's HTTP API, as the routes return it. The shapes are copied from the
 * relay's public contract (`@lienthong/relay` `src/types.ts`) and the node's routes, so a document
 * system needs no server package; keep them in step with those on purpose.
 */

/** Where one recipient organisation is delivered. */
export interface RecipientRoute {
  /** The code as submitted. */
  org: string
  /** The code actually addressed (the successor when `org` is closed). */
  effectiveOrg: string
  /** True when `org` is closed and the document goes to its successor. */
  redirected: boolean
  /** PeerId of the node hosting `effectiveOrg`. */
  node: string
}

/** `POST /v1/outbox` (202): the document is durable in the outbox. */
export interface SubmitResult {
  id: string
  recipients: RecipientRoute[]
  /** Human-readable warnings, e.g. a closed code routed to its successor. */
  warnings: string[]
}

export type DeliveryStateName = 'queued' | 'delivered' | 'failed'

/** One recipient node's delivery of an outbox document. */
export interface DeliveryView {
  node: string
  orgs: string[]
  state: DeliveryStateName
  attempts: number
  nextAttemptAt: number | null
  /** Base64 of the signed receipt, once delivered. */
  receipt: string | null
  deliveredAt: number | null
  /** Why the last attempt failed, or why delivery was given up. */
  error: { code: string, message?: string } | null
}

/** A status reported back by a recipient (national status codes). */
export interface StatusView {
  code: string
  note?: string
  at: number
  /** Organisation that sent the status. */
  from: string
  envelopeId: string
}

/** `GET /v1/outbox/:id`. */
export interface OutboxView {
  id: string
  from: string
  to: RecipientRoute[]
  contentType: string
  createdAt: number
  expiresAt: number
  payloadLength: number
  deliveries: DeliveryView[]
  statuses: StatusView[]
}

/** One received document as the inbox lists it. */
export interface InboxEntry {
  id: string
  /** Opaque cursor of this entry (pass it as `after`, or as SSE Last-Event-ID). */
  cursor: string
  from: { org: string, node: string }
  to: string[]
  contentType: string
  createdAt: number
  receivedAt: number
  expiresAt: number
  /** Plaintext length in bytes. */
  length: number
  acked: boolean
  /** Base64 plaintext when length ≤ 1 MiB and asked for; otherwise null (use `payload(id)`). */
  payload: string | null
}

/** `GET /v1/inbox`. */
export interface InboxPage {
  entries: InboxEntry[]
  /** Cursor for the next page, absent when this page is the last. */
  next?: string
}

/** Queue depths and counters. */
export interface RelayHealth {
  outbox: { queued: number, delivered: number, failed: number }
  pendingPeers: Array<{ peerId: string, queued: number }>
  inbox: { unacked: number }
}

export type NodeState = 'trial' | 'official' | 'suspended' | 'revoked'

/** `GET /v1/health` of a node. */
export interface NodeHealth {
  status: 'ok' | 'degraded'
  /** e.g. `registry-stale`, `not-admitted`, `node-suspended`. */
  problems: string[]
  role: 'node'
  version: string
  network: string
  peerId: string
  /** This node's membership in its registry; null until admitted. */
  membership: NodeState | null
  uptimeMs: number
  registry: {
    seq: number
    stale: boolean
    lastCheckpointAt: number | null
    checkpointSeq: number | null
    stalenessLimitMs: number
    alarms: Record<string, number>
  }
  links: { coordinatorConnected: boolean, coordinatorLastConnectedAt: number | null, peersConnected: number }
  queues: RelayHealth
  listen: string[]
}

/** `POST /v1/inbox/:id/ack`. */
export interface AckResult {
  id: string
  acked: true
}
