/**
 * The registry as both APIs show it (`/v1/registry/*`): JSON views of the registry records
 * (`@lienthong/registry` `orgJson`, `nodeJson`, `serviceJson`): bytes as base64, times as Unix ms.
 */
import type { NodeState } from './node-types.js'

export type OrgKind = 'ministry' | 'province' | 'council' | 'agency' | 'unit'

/** Who did it, when, why: carried by every registry entry. */
export interface EntryContext {
  seq: number
  at: number
  actor: string
  reason?: string
}

/** An organisation (identifier code, e.g. `000.00.00.H29`). */
export interface Org {
  code: string
  name: string
  level?: number
  parent?: string
  kind?: OrgKind
  status: 'active' | 'retired'
  /** For a retired code: the unit that took over. */
  successor?: string
  validFrom: number
  validTo?: number
  aliases: string[]
  predecessors: string[]
  source?: { confidence: string, refs: string[], note?: string }
  createdSeq: number
  updatedSeq: number
  history: Array<EntryContext & { change: string, name?: string, from?: string[], successor?: string, fields?: string[] }>
}

/** `GET /v1/registry/orgs/:code`: the org and where a document addressed to it goes. */
export interface OrgLookup {
  org: Org
  effective: { code: string, name: string, via: string[], redirected: boolean } | null
}

export type NodeEvent = 'admitted' | 'promoted' | 'suspended' | 'resumed' | 'revoked' | 'reinstated'

/** One membership change of a node. */
export interface NodeHistoryItem extends EntryContext {
  event: NodeEvent
  from: NodeState | null
  to: NodeState
  pauseReason?: string
  incident?: string
  remediation?: { summary: string, ref?: string }
}

/** A relay node. `contacts` only in admin answers (promote, suspend...), never in public lists. */
export interface RegistryNode {
  peerId: string
  /** Base64 ed25519 public key. */
  publicKey: string
  /** Base64 X25519 public key. */
  sealingPublicKey: string
  addresses: string[]
  orgs: string[]
  contacts?: { email: string[], phone: string[] }
  state: NodeState
  resumeTo?: 'trial' | 'official'
  formerPeerIds: string[]
  admittedSeq: number
  updatedSeq: number
  history: NodeHistoryItem[]
}

/** A service an organisation offers over the network. */
export interface Service {
  id: string
  org: string
  name: string
  description?: string
  protocol: string
  createdSeq: number
  updatedSeq: number
  updatedAt: number
}

/** One registry log entry with its decoded fields, hash and signed wire form (base64). */
export interface LogEntryView {
  seq: number
  hash: string
  /** `prev` is base64; `op` is the registry operation (`{type: 'node.admit', ...}`). */
  entry: { seq: number, prev: string, at: number, actor: string, reason?: string, op: { type: string } & Record<string, unknown> }
  wire: string
}

/** `GET /v1/registry/log`. */
export interface LogPage {
  head: number
  entries: LogEntryView[]
  /** `?since=SEQ` of the next page, or null at the head. */
  next: string | null
}

/** `GET /v1/registry/checkpoint`. */
export interface CheckpointView {
  seq: number
  head: string
  at: number
  wire: { bytes: string, signature: string }
}
