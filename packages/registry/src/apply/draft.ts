import type {
  CoordinatorKeyEpoch, NetworkParams, NodeRecord, OrgRecord, RegistryState, ServiceRecord
} from '../types.js'

/**
 * A mutable working copy of a state for one entry or one batch. Maps are copied on first write,
 * so an abandoned draft leaves the base snapshot untouched and an applied one shares every
 * unchanged record with it. Records themselves are never mutated: they are replaced.
 */
export class Draft {
  network: string
  seq: number
  head: Uint8Array
  at: number
  coordinatorKey: Uint8Array
  coordinatorKeys: readonly CoordinatorKeyEpoch[]
  params: NetworkParams
  readonly #base: RegistryState
  #orgs: Map<string, OrgRecord> | undefined
  #closed: Set<string> | undefined
  #nodes: Map<string, NodeRecord> | undefined
  #services: Map<string, ServiceRecord> | undefined

  constructor (base: RegistryState) {
    this.#base = base
    this.network = base.network
    this.seq = base.seq
    this.head = base.head
    this.at = base.at
    this.coordinatorKey = base.coordinatorKey
    this.coordinatorKeys = base.coordinatorKeys
    this.params = base.params
  }

  get orgs (): ReadonlyMap<string, OrgRecord> { return this.#orgs ?? this.#base.orgs }
  get closedCodes (): ReadonlySet<string> { return this.#closed ?? this.#base.closedCodes }
  get nodes (): ReadonlyMap<string, NodeRecord> { return this.#nodes ?? this.#base.nodes }
  get services (): ReadonlyMap<string, ServiceRecord> { return this.#services ?? this.#base.services }

  putOrg (record: OrgRecord): void {
    this.#orgs ??= new Map(this.#base.orgs)
    this.#orgs.set(record.code, Object.freeze(record))
  }

  closeCode (code: string): void {
    this.#closed ??= new Set(this.#base.closedCodes)
    this.#closed.add(code)
  }

  putNode (record: NodeRecord): void {
    this.#nodes ??= new Map(this.#base.nodes)
    this.#nodes.set(record.peerId, Object.freeze(record))
  }

  deleteNode (peerId: string): void {
    this.#nodes ??= new Map(this.#base.nodes)
    this.#nodes.delete(peerId)
  }

  putService (record: ServiceRecord): void {
    this.#services ??= new Map(this.#base.services)
    this.#services.set(record.id, Object.freeze(record))
  }

  deleteService (id: string): void {
    this.#services ??= new Map(this.#base.services)
    this.#services.delete(id)
  }

  /** The new immutable snapshot. The draft must not be used afterwards. */
  toState (): RegistryState {
    return Object.freeze({
      network: this.network,
      seq: this.seq,
      head: this.head,
      at: this.at,
      coordinatorKey: this.coordinatorKey,
      coordinatorKeys: this.coordinatorKeys,
      orgs: this.orgs,
      closedCodes: this.closedCodes,
      nodes: this.nodes,
      services: this.services,
      params: this.params
    })
  }
}
