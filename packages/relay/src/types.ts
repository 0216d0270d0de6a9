/**
 * The public contract of the relay: what the node's HTTP API and CLI use. The implementation
 * (relay.ts and friends) follows it; change it only on purpose.
 */
import type { NodeKey } from '@lienthong/crypto'
import type { Logger } from '@lienthong/errors'
import type { Host, RegistryReplica } from '@lienthong/protocol'
import type { BlobStore, Database, Inbox, Outbox } from '@lienthong/store'
import type { Registry as MetricsRegistry } from 'prom-client'

/** Settings of a relay (from the node's config.json; network-wide limits come from the registry). */
export interface RelayConfig {
  /** Largest plaintext payload accepted from the document system (the registry's maxEnvelopeBytes still applies). */
  maxPayloadBytes: number
  /** First retry delay after a failed attempt; doubled each time with ±20% jitter, capped at retryMaxMs. */
  retryInitialMs: number
  retryMaxMs: number
  /** Lifetime of a document when the submitter gives none. */
  defaultTtlMs: number
  /** Clock skew tolerated on received envelopes (default 5 minutes). */
  maxClockSkewMs?: number
  /** Sealed payloads up to this size travel inline in the envelope; larger ones stream detached (default 64 KiB). */
  inlinePayloadMaxBytes?: number
  /** Un-answered bytes in flight on one delivery channel (default 4 MiB): what a peer can tie up in buffers. */
  windowBytes?: number
}

/** What a relay is built from (the node app's composition root creates these). */
export interface RelayInit {
  key: NodeKey
  host: Host
  replica: RegistryReplica
  db: Database
  blobs: BlobStore
  outbox: Outbox
  inbox: Inbox
  config: RelayConfig
  logger: Logger
  /** Where the relay registers its metrics (lienthong_* names); one registry per node. */
  metrics: MetricsRegistry
  /** Clock, for tests. */
  now?: () => number
}

/** A document from the local document system. */
export interface SubmitRequest {
  /** Sender organisation code: must be hosted by this node. */
  from: string
  /** Recipient organisation codes (1..500). Retired codes are routed to their successor. */
  to: string[]
  /** MIME type of the payload, e.g. application/pdf. */
  contentType: string
  /** Plaintext payload: bytes, or a stream (HTTP upload) read once, never held whole. */
  payload: Uint8Array | AsyncIterable<Uint8Array>
  /** Lifetime; default config.defaultTtlMs. */
  ttlMs?: number
}

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

/** The answer to a submission (HTTP 202): durable in the outbox before it is returned. */
export interface SubmitResult {
  id: string
  recipients: RecipientRoute[]
  /** Human-readable warnings, e.g. "000.00.00.H54 is closed; routed to its successor 000.00.00.H31". */
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
  /** Base64 of the signed receipt, once delivered; verifiable by anyone with the node's key. */
  receipt: string | null
  deliveredAt: number | null
  /** Why the last attempt failed, or why delivery was given up. */
  error: { code: string, message?: string } | null
}

/** A status reported back by a recipient (national status codes 01..16). */
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
export interface InboxView {
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
  /** Base64 plaintext when length ≤ 1 MiB and asked for; otherwise null (fetch the payload route). */
  payload: string | null
}

export interface InboxPageView {
  entries: InboxView[]
  /** Cursor for the next page, absent when this page is the last. */
  next?: string
}

/** Queue depths and counters for health. */
export interface RelayHealth {
  outbox: { queued: number, delivered: number, failed: number }
  /** Peers with deliveries queued, and how many each. */
  pendingPeers: Array<{ peerId: string, queued: number }>
  inbox: { unacked: number }
}

/** The relay as the node app uses it. Errors are LienthongErrors with stable codes (see RelayErrorCode). */
export interface Relay {
  start: () => Promise<void>
  stop: () => Promise<void>
  submit: (request: SubmitRequest) => Promise<SubmitResult>
  outboxRecord: (id: string) => Promise<OutboxView | undefined>
  inboxPage: (options: { after?: string, limit: number, inlinePayloads?: boolean }) => Promise<InboxPageView>
  inboxEntry: (id: string, options?: { inlinePayload?: boolean }) => Promise<InboxView | undefined>
  /** The decrypted payload as a stream (only this node's own inbox is ever decrypted). */
  openInboxPayload: (id: string) => Promise<{ contentType: string, length: number, stream: AsyncIterable<Uint8Array> }>
  /** Hide from later pages; idempotent; false when no such entry. */
  ack: (id: string) => Promise<boolean>
  /** Send a status envelope about a received document back to its sender. */
  sendStatus: (inboxId: string, status: { code: string, note?: string }) => Promise<{ id: string }>
  /** New inbox entries after `after` (all from the start when undefined), until the signal aborts. */
  followInbox: (after: string | undefined, signal: AbortSignal) => AsyncIterable<InboxView>
  health: () => Promise<RelayHealth>
}
