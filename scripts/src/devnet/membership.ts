/**
 * The join workflow a new unit goes through, driven only through the public CLI and APIs:
 * `lienthong-node join` (signed request) → the coordinator's automated assessment → the
 * operator's checklist and approval (admin API) → the node syncs itself to trial, runs the
 * conformance exchange → promote → official. Each step is skipped when the registry already
 * shows it done (a second run).
 */
import { writeFile } from 'node:fs/promises'
import { isClientError, type CoordinatorClient, type JoinRequestRecord, type NodeClient, type NodeState } from '@lienthong/client'
import { mustRun } from './processes.js'
import { until } from './wait.js'

/** The reason recorded when a node is promoted after passing the conformance exchange. */
export const CONFORMANCE_REASON = 'devnet: conformance exchange passed'
/** The reason recorded when the devnet had to force a promotion (printed in the summary too). */
export const PROMOTION_REASON = 'devnet: conformance exchange not passed in time; promoted with force by the devnet script'

/** How a node was promoted (the summary says it plainly). */
export interface Promotion {
  forced: boolean
  reason: string
}

/**
 * Trial → official: the only place that decides how. A trial node runs the conformance exchange
 * with the coordinator's test service by itself; wait (bounded) for the pass, then promote as an
 * operator would. If it has not passed within `waitMs` (or the coordinator has no conformance
 * route), force the promotion with the reason on record, so the devnet still comes up; the
 * summary then says which nodes were forced.
 */
export async function promote (coordinator: CoordinatorClient, peerId: string, waitMs = 30_000): Promise<Promotion> {
  const passed = await until('the conformance pass', async () => (await coordinator.conformance(peerId)).passed, waitMs, 200).catch(() => false)
  if (passed) {
    try {
      await coordinator.promote(peerId, { reason: CONFORMANCE_REASON })
      return { forced: false, reason: CONFORMANCE_REASON }
    } catch (err) {
      if (!isClientError(err, 'conformance-required')) throw err
    }
  }
  await coordinator.promote(peerId, { force: true, reason: PROMOTION_REASON })
  return { forced: true, reason: PROMOTION_REASON }
}

/** What a unit's admission needs. */
export interface AdmitInit {
  name: string
  data: string
  peerId: string
  node: NodeClient
  coordinator: CoordinatorClient
  nodeBin: string
  log: string
  progress: (line: string) => void
  /** Bound of each wait (default 60 s). */
  timeoutMs?: number
}

/** What happened: the steps run now (empty when the node was already official). */
export interface Admission {
  membership: NodeState
  steps: Array<'join' | 'approve' | 'promote'>
  joinRequestId?: string
  promotion?: Promotion
}

const JOIN_LINE = /^join request (\S+) sent/m

async function membership (node: NodeClient): Promise<NodeState | null> {
  return (await node.health()).membership
}

/** Find this node's pending join request, or submit one with the CLI. */
async function joinRequestOf (init: AdmitInit): Promise<{ id: string, submitted: boolean }> {
  const pending = await init.coordinator.joinRequests({ status: 'pending', limit: 1000 })
  const existing = pending.requests.find((r) => r.peerId === init.peerId)
  if (existing !== undefined) return { id: existing.id, submitted: false }
  const selfAssessment = JSON.stringify({
    infrastructure: 'devnet: one process on 127.0.0.1',
    network: 'loopback only',
    application: 'lienthong-node from this repository',
    security: 'test keys; not for real documents'
  })
  const file = `${init.data}.self-assessment.json`
  await writeFile(file, selfAssessment)
  const out = await mustRun(init.nodeBin, ['join', '--data', init.data, '--self-assessment', file], init.log)
  const id = JOIN_LINE.exec(out)?.[1]
  if (id === undefined) throw new Error(`${init.name}: lienthong-node join printed no request id`)
  return { id, submitted: true }
}

/** Bring one running node to official through the real workflow. */
export async function admit (init: AdmitInit): Promise<Admission> {
  const timeout = init.timeoutMs ?? 60_000
  const steps: Admission['steps'] = []
  const result: Admission = { membership: 'official', steps }
  let state = await membership(init.node)
  if (state === null) {
    const registered = (await init.coordinator.nodes()).nodes.some((n) => n.peerId === init.peerId)
    if (!registered) {
      const { id, submitted } = await joinRequestOf(init)
      result.joinRequestId = id
      if (submitted) steps.push('join')
      init.progress(`${init.name}: join request ${id} ${submitted ? 'sent' : 'already pending'}; waiting for the automated assessment`)
      // A request left pending by an earlier run may hold no assessment, or one made while the
      // node was down: run the automated checks again now that it is up.
      const assessed = submitted
        ? await until<JoinRequestRecord>(`the assessment of ${init.name}`, async () => {
          const record = await init.coordinator.joinRequest(id)
          return record.assessment === undefined ? undefined : record
        }, timeout)
        : await init.coordinator.assessment(id, { rerun: true })
      if (assessed.assessment?.ok !== true) {
        const failed = assessed.assessment?.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ')
        throw new Error(`${init.name}: the automated assessment failed (${failed ?? 'no checks'})`)
      }
      const note = 'devnet: local machine, checked by the devnet script'
      await init.coordinator.assessment(id, { checklist: { infrastructure: { ok: true, note }, network: { ok: true, note }, application: { ok: true, note }, security: { ok: true, note } } })
      await init.coordinator.approve(id, 'devnet: automated checks passed')
      steps.push('approve')
      init.progress(`${init.name}: approved (trial); waiting for the node to sync it`)
    }
    state = await until(`${init.name} to see itself admitted`, async () => await membership(init.node) ?? undefined, timeout, 200)
  }
  if (state === 'trial') {
    result.promotion = await promote(init.coordinator, init.peerId)
    steps.push('promote')
    state = await until(`${init.name} to see itself official`, async () => {
      const now = await membership(init.node)
      return now === 'official' ? now : undefined
    }, timeout)
    init.progress(`${init.name}: official (${result.promotion.forced ? 'promotion forced' : 'conformance exchange passed'})`)
  }
  if (state !== 'official') throw new Error(`${init.name} is ${state} in the registry; resume or reinstate it first (see the admin API)`)
  result.membership = state
  return result
}
