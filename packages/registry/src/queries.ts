import { foldText, isNationalOrgCode, structuralAncestors } from './codes.js'
import type { NodeRecord, NodeState, OrgRecord, OrgStatus, RegistryState, ServiceRecord } from './types.js'

/** The parts of a state the queries read (a snapshot, or a draft while an entry is applied). */
export type RegistryView = Pick<RegistryState, 'orgs' | 'nodes' | 'services' | 'closedCodes'>

/** Where a code leads: the effective organisation after following successors. */
export interface Resolution {
  /** The effective organisation: active, or retired without successor. */
  readonly org: OrgRecord
  /** Codes followed, from the requested code to the effective one (both included). */
  readonly via: readonly string[]
  /** True when the requested code is retired and led to a successor (tell the sender). */
  readonly redirected: boolean
}

/** A node that hosts a code, and how it was found. */
export interface HostMatch {
  readonly node: NodeRecord
  /** The code the node lists explicitly (the code itself or a structural ancestor). */
  readonly hostedCode: string
  /** The requested code after following successors. */
  readonly code: string
  /** True when the requested code was retired and its successor is what is hosted. */
  readonly redirected: boolean
}

/** Follow successors from `code`. Undefined for a code the registry does not know. */
export function resolveOrg (view: RegistryView, code: string): Resolution | undefined {
  let org = view.orgs.get(code)
  if (org === undefined) return undefined
  const via = [code]
  while (org.status === 'retired' && org.successor !== undefined && !via.includes(org.successor)) {
    const next: OrgRecord | undefined = view.orgs.get(org.successor)
    if (next === undefined) break
    via.push(next.code)
    org = next
  }
  return Object.freeze({ org, via: Object.freeze(via), redirected: via.length > 1 })
}

/** Explicitly hosted codes → node, over nodes that are not revoked. */
export function buildHostIndex (nodes: ReadonlyMap<string, NodeRecord>): Map<string, NodeRecord> {
  const index = new Map<string, NodeRecord>()
  for (const node of nodes.values()) {
    if (node.state === 'revoked') continue
    for (const code of node.orgs) if (!index.has(code)) index.set(code, node)
  }
  return index
}

const hostIndexes = new WeakMap<ReadonlyMap<string, NodeRecord>, Map<string, NodeRecord>>()

function cachedHostIndex (nodes: ReadonlyMap<string, NodeRecord>): Map<string, NodeRecord> {
  let index = hostIndexes.get(nodes)
  if (index === undefined) {
    index = buildHostIndex(nodes)
    hostIndexes.set(nodes, index)
  }
  return index
}

/** Structural ancestors for national codes; the `parent` chain for other codes. */
function ancestorsOf (view: RegistryView, code: string): string[] {
  if (isNationalOrgCode(code)) return structuralAncestors(code)
  const out: string[] = []
  let parent = view.orgs.get(code)?.parent
  while (parent !== undefined && parent !== code && !out.includes(parent)) {
    out.push(parent)
    parent = view.orgs.get(parent)?.parent
  }
  return out
}

function findHost (view: RegistryView, code: string, index: Map<string, NodeRecord>, seen: Set<string>): { node: NodeRecord, hostedCode: string } | undefined {
  for (const candidate of [code, ...ancestorsOf(view, code)]) {
    if (seen.has(candidate)) continue
    seen.add(candidate)
    const org = view.orgs.get(candidate)
    if (org?.status === 'retired') {
      // A closed code hosts nothing itself: its successor's host takes over.
      const successor = resolveOrg(view, candidate)?.org
      if (successor?.status === 'active') {
        const found = findHost(view, successor.code, index, seen)
        if (found !== undefined) return found
      }
      continue
    }
    const node = index.get(candidate)
    if (node !== undefined) return { node, hostedCode: candidate }
  }
  return undefined
}

/**
 * The node that hosts `code`: the node listing it explicitly, else the host of its nearest
 * ancestor (national structure: `VVV.ZZ.YY.M` → `000.ZZ.YY.M` → `000.00.YY.M` → `000.00.00.M`;
 * other codes: the `parent` chain). A retired code is first resolved to its successor, and a
 * retired ancestor hands over to its successor's host. Revoked nodes host nothing. Works for
 * codes the registry does not list (any `xxx.xx.xx.H29` under a hosted `000.00.00.H29`).
 */
export function hostOf (view: RegistryView, code: string, index: Map<string, NodeRecord> = cachedHostIndex(view.nodes)): HostMatch | undefined {
  const resolution = resolveOrg(view, code)
  if (resolution !== undefined && resolution.org.status !== 'active') return undefined
  const effective = resolution?.org.code ?? code
  const found = findHost(view, effective, index, new Set())
  if (found === undefined) return undefined
  return Object.freeze({ ...found, code: effective, redirected: resolution?.redirected ?? false })
}

/** Filters for `listOrgs`. */
export interface ListOrgsOptions {
  status?: OrgStatus
  /** Matches code, name or alias; case- and diacritics-insensitive. */
  q?: string
}

/** Organisations sorted by code. */
export function listOrgs (view: RegistryView, options: ListOrgsOptions = {}): OrgRecord[] {
  const q = options.q === undefined || options.q.trim() === '' ? undefined : foldText(options.q.trim())
  const out: OrgRecord[] = []
  for (const org of view.orgs.values()) {
    if (options.status !== undefined && org.status !== options.status) continue
    if (q !== undefined && ![org.code, org.name, ...org.aliases].some(s => foldText(s).includes(q))) continue
    out.push(org)
  }
  return out.sort((a, b) => compare(a.code, b.code))
}

/** Filters for `listNodes`. */
export interface ListNodesOptions {
  state?: NodeState
  /** Only nodes listing this code explicitly. */
  org?: string
}

/** Nodes sorted by PeerId. */
export function listNodes (view: RegistryView, options: ListNodesOptions = {}): NodeRecord[] {
  return [...view.nodes.values()]
    .filter(n => (options.state === undefined || n.state === options.state) && (options.org === undefined || n.orgs.includes(options.org)))
    .sort((a, b) => compare(a.peerId, b.peerId))
}

/** Services sorted by id, optionally of one organisation. */
export function listServices (view: RegistryView, options: { org?: string } = {}): ServiceRecord[] {
  return [...view.services.values()]
    .filter(s => options.org === undefined || s.org === options.org)
    .sort((a, b) => compare(a.id, b.id))
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
