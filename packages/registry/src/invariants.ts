import { isOrgCode } from './codes.js'
import type { NodeHistoryItem, NodeState, RegistryState } from './types.js'

/** The membership edges the state machine allows (from → to, by event). */
export const NODE_TRANSITIONS: ReadonlyArray<readonly [NodeState | null, NodeState, NodeHistoryItem['event']]> = Object.freeze([
  [null, 'trial', 'admitted'],
  ['trial', 'official', 'promoted'],
  ['trial', 'suspended', 'suspended'],
  ['official', 'suspended', 'suspended'],
  ['suspended', 'trial', 'resumed'],
  ['suspended', 'official', 'resumed'],
  ['trial', 'revoked', 'revoked'],
  ['official', 'revoked', 'revoked'],
  ['suspended', 'revoked', 'revoked'],
  ['revoked', 'trial', 'reinstated'],
  ['revoked', 'official', 'reinstated']
] as const)

function allowed (item: NodeHistoryItem): boolean {
  return NODE_TRANSITIONS.some(([from, to, event]) => from === item.from && to === item.to && event === item.event)
}

/**
 * Check the structural invariants of a state and list every violation (empty when sound):
 * closed codes are never active; successor chains end at an active unit without cycles; node
 * histories only use allowed edges and end in the current state (reinstatements carry a
 * remediation, resumes return to the suspended-from state); each code has at most one live
 * explicit host; services name known organisations. For tests, audits and loading a stored log.
 */
export function registryInvariantViolations (state: RegistryState): string[] {
  const out: string[] = []
  for (const [code, org] of state.orgs) {
    if (code !== org.code || !isOrgCode(code)) out.push(`org ${code}: key/code mismatch or bad code`)
    const closed = state.closedCodes.has(code)
    if (org.status === 'active' && closed) out.push(`org ${code}: active with a closed code`)
    if (org.status === 'retired' && !closed) out.push(`org ${code}: retired but its code is not closed`)
    if (org.status === 'active' && org.successor !== undefined) out.push(`org ${code}: active with a successor`)
    if (org.successor === undefined) continue
    const seen = new Set([code])
    let next = org.successor
    for (;;) {
      if (seen.has(next)) { out.push(`org ${code}: successor cycle through ${next}`); break }
      seen.add(next)
      const target = state.orgs.get(next)
      if (target === undefined) { out.push(`org ${code}: successor ${next} unknown`); break }
      if (target.status === 'active') break
      if (target.successor === undefined) { out.push(`org ${code}: chain ends at retired ${next}`); break }
      next = target.successor
    }
  }
  const hosts = new Map<string, string>()
  for (const [peerId, node] of state.nodes) {
    if (peerId !== node.peerId) out.push(`node ${peerId}: key/peerId mismatch`)
    let current: NodeState | null = null
    let suspendedFrom: NodeState | null = null
    for (const item of node.history) {
      if (item.from !== current) out.push(`node ${peerId}: history jumps from ${String(current)} to ${String(item.from)} at seq ${item.seq}`)
      if (!allowed(item)) out.push(`node ${peerId}: edge ${String(item.from)} → ${item.to} (${item.event}) not allowed`)
      if (item.event === 'reinstated' && (item.remediation === undefined || item.remediation.summary.trim() === '')) {
        out.push(`node ${peerId}: reinstated without remediation at seq ${item.seq}`)
      }
      if (item.event === 'resumed' && item.to !== suspendedFrom) out.push(`node ${peerId}: resumed to ${item.to}, not to ${String(suspendedFrom)}`)
      if (item.event === 'suspended') suspendedFrom = item.from
      current = item.to
    }
    if (current !== node.state) out.push(`node ${peerId}: state ${node.state} but history ends at ${String(current)}`)
    if (node.state === 'suspended' && node.resumeTo !== suspendedFrom) out.push(`node ${peerId}: resumeTo does not match`)
    if (node.state === 'revoked') continue
    for (const code of node.orgs) {
      const other = hosts.get(code)
      if (other !== undefined) out.push(`code ${code}: hosted by ${other} and ${peerId}`)
      hosts.set(code, peerId)
    }
  }
  for (const [id, service] of state.services) {
    if (id !== service.id) out.push(`service ${id}: key/id mismatch`)
    if (!state.orgs.has(service.org)) out.push(`service ${id}: unknown org ${service.org}`)
  }
  return out
}
