import type { OrgKind, Remediation, SourceConfidence } from './ops.js'

/** Who did it, when, why: carried by every entry and copied into history items. */
export interface EntryContext {
  seq: number
  at: number
  actor: string
  reason?: string
}

export type OrgStatus = 'active' | 'retired'
export type OrgChange = 'created' | 'updated' | 'renamed' | 'merged-into' | 'absorbed' | 'retired'

/** One change of an organisation record. */
export interface OrgHistoryItem extends EntryContext {
  change: OrgChange
  /** renamed: the previous name; absorbed: `from` codes (and `name` if renamed); merged-into/retired: `successor`; updated: `fields`. */
  name?: string
  from?: readonly string[]
  successor?: string
  fields?: readonly string[]
}

/** Where an organisation's facts come from (frozen copy of `OrgSource`). */
export interface OrgSourceRecord {
  readonly confidence: SourceConfidence
  readonly refs: readonly string[]
  readonly note?: string
}

/** An organisation (identifier code) as the log has made it. */
export interface OrgRecord {
  readonly code: string
  readonly name: string
  readonly level?: number
  readonly parent?: string
  readonly kind?: OrgKind
  readonly status: OrgStatus
  /** For a retired code: the unit that took over (follow with `resolve`). */
  readonly successor?: string
  readonly validFrom: number
  readonly validTo?: number
  /** Other names: given ones plus every previous name. */
  readonly aliases: readonly string[]
  /** Codes retired with this one as their successor (merged into it). */
  readonly predecessors: readonly string[]
  readonly source?: OrgSourceRecord
  readonly createdSeq: number
  readonly updatedSeq: number
  readonly history: readonly OrgHistoryItem[]
}

/** Membership states of a node. */
export type NodeState = 'trial' | 'official' | 'suspended' | 'revoked'
export type NodeEvent = 'admitted' | 'promoted' | 'suspended' | 'resumed' | 'revoked' | 'reinstated'

/** One membership change of a node. */
export interface NodeHistoryItem extends EntryContext {
  event: NodeEvent
  /** null for admission. */
  from: NodeState | null
  to: NodeState
  /** suspend: the unit's reason. */
  pauseReason?: string
  /** revoke: the incident reference. */
  incident?: string
  /** reinstate: the remediation record. */
  remediation?: Readonly<Remediation>
}

/** A relay node as the log has made it. */
export interface NodeRecord {
  readonly peerId: string
  readonly publicKey: Uint8Array
  readonly sealingPublicKey: Uint8Array
  readonly addresses: readonly string[]
  /** Codes hosted explicitly (sub-units of a level-1 code are hosted implicitly, see `hostOf`). */
  readonly orgs: readonly string[]
  readonly contacts: { readonly email: readonly string[], readonly phone: readonly string[] }
  readonly state: NodeState
  /** While suspended: the state `node.resume` returns to. */
  readonly resumeTo?: 'trial' | 'official'
  /** PeerIds this node had before key rotations (never reusable). */
  readonly formerPeerIds: readonly string[]
  readonly admittedSeq: number
  readonly updatedSeq: number
  readonly history: readonly NodeHistoryItem[]
}

/** A service an organisation offers over the network. */
export interface ServiceRecord {
  readonly id: string
  readonly org: string
  readonly name: string
  readonly description?: string
  readonly protocol: string
  readonly createdSeq: number
  readonly updatedSeq: number
  readonly updatedAt: number
}

/** Parameters every node follows, distributed through the registry. */
export interface NetworkParams {
  readonly heartbeatIntervalMs: number
  readonly maxEnvelopeBytes: number
  readonly stalenessLimitMs: number
}

/** A coordinator key and the seq from which it is in force (it signs entries from `fromSeq + 1` and checkpoints from `fromSeq`). */
export interface CoordinatorKeyEpoch {
  readonly fromSeq: number
  readonly publicKey: Uint8Array
}

/**
 * The registry state: the fold of the log up to `seq`. Immutable: every applied entry makes a new
 * snapshot (records and maps are shared where unchanged), so a snapshot may be held and read freely.
 */
export interface RegistryState {
  /** The network name from the genesis ('' before it). */
  readonly network: string
  /** Seq of the last applied entry; -1 for an empty registry. */
  readonly seq: number
  /** Hash of the last applied entry; 32 zero bytes for an empty registry. */
  readonly head: Uint8Array
  /** `at` of the last applied entry (0 when empty). */
  readonly at: number
  /** The key that must sign the next entry. */
  readonly coordinatorKey: Uint8Array
  /** Every coordinator key so far, oldest first. */
  readonly coordinatorKeys: readonly CoordinatorKeyEpoch[]
  readonly orgs: ReadonlyMap<string, OrgRecord>
  /** Codes closed forever (retired or merged away). */
  readonly closedCodes: ReadonlySet<string>
  /** Nodes by current PeerId. */
  readonly nodes: ReadonlyMap<string, NodeRecord>
  readonly services: ReadonlyMap<string, ServiceRecord>
  readonly params: NetworkParams
}
