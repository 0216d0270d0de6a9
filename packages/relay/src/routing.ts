import { LienthongError } from '@lienthong/errors'
import { hostOf, resolveOrg, type NodeRecord, type NodeState, type RegistryState } from '@lienthong/registry'
import { RelayErrorCode } from './errors.js'
import type { RecipientRoute } from './types.js'
import { sameBytes } from './bytes.js'

/** Membership states that may exchange documents (with a peer in the same state). */
export const ACTIVE_STATES: ReadonlySet<NodeState> = new Set<NodeState>(['trial', 'official'])

/**
 * Whether two active nodes may exchange documents: trial with trial, official with official, and
 * anyone with the coordinator's own node (the node whose key is the registry's current coordinator
 * key), which hosts the test service that trial nodes run their conformance exchange with. The key
 * comes from the signed registry, so sender and receiver agree on it without any configuration.
 */
export function mayExchange (state: RegistryState, a: NodeRecord, b: NodeRecord): boolean {
  return a.state === b.state || sameBytes(a.publicKey, state.coordinatorKey) || sameBytes(b.publicKey, state.coordinatorKey)
}

/** Where one submission goes: a route per recipient code, and the distinct recipient nodes. */
export interface Routing {
  routes: RecipientRoute[]
  /** Distinct recipient nodes, in first-seen order. */
  nodes: NodeRecord[]
  /** Distinct effective recipient codes, in first-seen order (what the envelope names). */
  recipients: string[]
  warnings: string[]
}

// Codes → revoked node: `hostOf` skips revoked nodes, this tells "revoked" from "nobody".
const revokedIndexes = new WeakMap<ReadonlyMap<string, NodeRecord>, Map<string, NodeRecord>>()

function revokedIndex (nodes: ReadonlyMap<string, NodeRecord>): Map<string, NodeRecord> {
  let index = revokedIndexes.get(nodes)
  if (index === undefined) {
    index = new Map()
    for (const node of nodes.values()) {
      if (node.state !== 'revoked') continue
      for (const code of node.orgs) if (!index.has(code)) index.set(code, node)
    }
    revokedIndexes.set(nodes, index)
  }
  return index
}

function refuse (code: string, message: string, org: string): LienthongError {
  return new LienthongError(code, message, { org })
}

/**
 * This node's own record, if it may send (trial or official); `node-not-active` otherwise.
 */
export function activeSelf (state: RegistryState, selfPeerId: string): NodeRecord {
  const self = state.nodes.get(selfPeerId)
  if (self === undefined || !ACTIVE_STATES.has(self.state)) {
    throw new LienthongError(RelayErrorCode.NODE_NOT_ACTIVE, 'this node is not admitted, or is suspended or revoked', { state: self?.state ?? 'unknown' })
  }
  return self
}

/** `sender-not-hosted` unless `from` is hosted by this node. */
export function checkSenderHosted (state: RegistryState, self: NodeRecord, from: string): void {
  if (hostOf(state, from)?.node.peerId !== self.peerId) {
    throw new LienthongError(RelayErrorCode.SENDER_NOT_HOSTED, 'the sender organisation is not hosted by this node', { org: from })
  }
}

/** The route of one recipient code, or the refusal that applies to it. */
export function routeOne (state: RegistryState, self: NodeRecord, org: string): { route: RecipientRoute, node: NodeRecord } {
  const resolution = resolveOrg(state, org)
  if (resolution !== undefined && resolution.org.status !== 'active') {
    throw refuse(RelayErrorCode.RECIPIENT_UNREACHABLE, 'the recipient code is closed and has no successor', org)
  }
  const host = hostOf(state, org)
  if (host === undefined) {
    if (hostOf(state, org, revokedIndex(state.nodes)) !== undefined) {
      throw refuse(RelayErrorCode.RECIPIENT_REVOKED, 'the node hosting the recipient is revoked', org)
    }
    if (resolution === undefined) throw refuse(RelayErrorCode.UNKNOWN_RECIPIENT, 'the recipient code is not in the registry', org)
    throw refuse(RelayErrorCode.RECIPIENT_UNREACHABLE, 'no admitted node hosts the recipient', org)
  }
  const node = host.node
  if (node.state === 'suspended') throw refuse(RelayErrorCode.RECIPIENT_SUSPENDED, 'the node hosting the recipient is suspended', org)
  if (!mayExchange(state, self, node)) {
    throw new LienthongError(RelayErrorCode.RECIPIENT_NOT_ALLOWED, 'trial nodes exchange only with trial nodes (and the test service), official with official',
      { org, recipientState: node.state, senderState: self.state })
  }
  return { route: { org, effectiveOrg: host.code, redirected: host.redirected, node: node.peerId }, node }
}

/** Route every recipient code (checked in order: the first refusal is thrown). */
export function routeAll (state: RegistryState, self: NodeRecord, to: readonly string[]): Routing {
  const routes: RecipientRoute[] = []
  const nodes = new Map<string, NodeRecord>()
  const recipients = new Set<string>()
  const warnings: string[] = []
  for (const org of to) {
    const { route, node } = routeOne(state, self, org)
    routes.push(route)
    if (!nodes.has(node.peerId)) nodes.set(node.peerId, node)
    recipients.add(route.effectiveOrg)
    if (route.redirected) warnings.push(`${org} is closed; routed to its successor ${route.effectiveOrg}`)
  }
  return { routes, nodes: [...nodes.values()], recipients: [...recipients], warnings }
}

// Routings of recent submissions per registry state (a state never changes: a new one replaces it).
const routings = new WeakMap<RegistryState, Map<string, Routing>>()
const ROUTINGS_KEPT = 1024

/**
 * `checkSenderHosted` then `routeAll`, remembered per registry state: a document system sends
 * the same few (from, to) pairs over and over, and routing them again cost the sender about as much
 * as writing the envelope. A refusal is not remembered (it is thrown again on the next call).
 */
export function routeSubmission (state: RegistryState, self: NodeRecord, from: string, to: readonly string[]): Routing {
  let cache = routings.get(state)
  if (cache === undefined) {
    cache = new Map()
    routings.set(state, cache)
  }
  const key = `${self.peerId} ${from} ${to.join(' ')}`
  let routing = cache.get(key)
  if (routing === undefined) {
    checkSenderHosted(state, self, from)
    routing = routeAll(state, self, to)
    if (cache.size >= ROUTINGS_KEPT) cache.clear()
    cache.set(key, routing)
  }
  // Copies: the caller hands routes and warnings out in its answer.
  return { routes: routing.routes.map(r => ({ ...r })), nodes: routing.nodes, recipients: [...routing.recipients], warnings: [...routing.warnings] }
}
