import type { DeliveryState, OutboxRecipient, OutboxRecordHead, OutboxStatus } from './outbox-codec.js'

/** What `Outbox.submit` stores: the signed envelope and where it goes. */
export interface OutboxSubmission extends OutboxRecordHead {
  /** When the first delivery attempt is due (ms). Default `createdAt`. */
  firstAttemptAt?: number
}

/** An outbox record with every delivery's state and the statuses received for it. */
export interface OutboxRecord extends OutboxRecordHead {
  /** Each recipient with the state of the delivery to its node. */
  recipients: Array<OutboxRecipient & { delivery: DeliveryState }>
  /** One delivery per distinct recipient node, sorted by PeerId. */
  deliveries: DeliveryState[]
  /** Status envelopes received, in envelope id order. */
  statuses: OutboxStatus[]
}

/** A query of `Outbox.due`. */
export interface DueQuery {
  /** Deliveries whose next attempt is at or before this time (ms) are due. */
  now: number
  /** At most this many (1 to `MAX_PAGE_LIMIT`). */
  limit: number
  /** Only deliveries to this node. */
  peer?: string
  /** Continue after this `cursor` of an earlier result (e.g. to look past deliveries in flight). */
  after?: string
}

/** A queued delivery whose attempt is due, with what the delivery worker needs to send it. */
export interface DueDelivery {
  id: string
  peerId: string
  attempts: number
  nextAttemptAt: number
  createdAt: number
  expiresAt: number
  envelopeBytes: Uint8Array
  payloadHash?: Uint8Array
  /** Position in the due index, for `DueQuery.after`. */
  cursor: string
}

/** Options of `Outbox.open`. */
export interface OutboxOptions {
  /** Bound on ops queued in the outbox's group committer. */
  maxPendingOps?: number
  /** Queued deliveries whose due index is kept in memory, at most (default 100 000); beyond, it is read from LevelDB. */
  memoryDueLimit?: number
}
