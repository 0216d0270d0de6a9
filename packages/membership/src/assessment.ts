import { isLienthongError } from '@lienthong/errors'
import {
  DELIVER_PROTOCOL, fetchInfo, INFO_PROTOCOL, ProtocolErrorCode, REGISTRY_PROTOCOL, type Host, type InfoReply
} from '@lienthong/protocol'
import {
  DEFAULT_ASSESSMENT_DIAL_TIMEOUT_MS, DEFAULT_ASSESSMENT_INFO_TIMEOUT_MS, DEFAULT_MAX_CLOCK_SKEW_MS
} from './constants.js'
import type { PeerAllowance } from './allow-list.js'
import type { JoinRequest } from './join-request.js'

/** The automated checks, always in this order. */
export const ASSESSMENT_CHECKS = ['reachable', 'peer-id', 'protocols', 'clock-skew'] as const
export type AssessmentCheckName = typeof ASSESSMENT_CHECKS[number]

/** One automated check: passed or not, and what was seen (for the operator). */
export interface AssessmentCheck {
  name: AssessmentCheckName
  ok: boolean
  detail: string
}

/** Result of `assessJoinRequest`, shown next to the operator's manual checklist. */
export interface Assessment {
  /** Unix ms when it started. */
  ranAt: number
  /** True when every check passed. */
  ok: boolean
  checks: AssessmentCheck[]
  /** What the node's info reply said, when it answered. */
  software?: string
  protocols?: string[]
  /** The node's clock minus ours (ms), corrected by half the round trip. */
  skewMs?: number
}

/** What `assessJoinRequest` needs. */
export interface AssessmentOptions {
  /** The coordinator's host. */
  host: Host
  /** The coordinator's clock (default `Date.now`). */
  now?: () => number
  /**
   * Lets the applicant through the host's gate for the duration of the assessment (the gate
   * normally refuses peers the registry does not list). Without it the gate must already allow
   * the applicant, or every check fails.
   */
  allowance?: PeerAllowance
  /** Deadline of each dial (default 5 s); addresses are dialled in parallel. */
  dialTimeoutMs?: number
  /** Deadline of the info exchange (default 5 s). */
  infoTimeoutMs?: number
  /** Largest accepted |skew| (default 5 s). */
  maxClockSkewMs?: number
  /** Protocols the node must serve (default deliver, registry and info). */
  requiredProtocols?: readonly string[]
}

interface Probe {
  address: string
  /** The authenticated PeerId that answered at this address. */
  remote?: string
  /** Something answered the handshake but our gate refused it: a PeerId other than the applicant's. */
  refused?: boolean
  error?: string
}

const MAX_LISTED = 5

function listed (items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ')
  return items.length > MAX_LISTED ? `${shown} (+${items.length - MAX_LISTED} more)` : shown
}

async function probe (host: Host, address: string, peerId: string, timeoutMs: number): Promise<Probe> {
  // Dial without the /p2p suffix so that the Noise handshake tells us who really answers there.
  const bare = address.slice(0, address.length - `/p2p/${peerId}`.length)
  try {
    const connection = await host.dial(bare, { timeoutMs })
    return { address, remote: connection.remotePeer.toString() }
  } catch (err) {
    if (err instanceof TypeError) return { address, error: 'invalid-multiaddr' }
    const code = isLienthongError(err) ? err.code : 'unknown'
    // With the applicant allowed, our gater refusing the authenticated peer means it is another one.
    if (code === ProtocolErrorCode.DIAL_REFUSED) return { address, refused: true }
    return { address, error: code }
  }
}

function failAll (ranAt: number, detail: string): Assessment {
  return { ranAt, ok: false, checks: ASSESSMENT_CHECKS.map(name => ({ name, ok: false, detail })) }
}

/**
 * Run the automated assessment of a join request against the live node: dial each address
 * (bounded, in parallel) and check who answers (`reachable`, `peer-id`), then ask its info
 * (INFO_PROTOCOL) for the protocols it serves (`protocols`) and its clock (`clock-skew`). Never
 * throws for what the node does; connections to the applicant are closed afterwards unless the
 * gate still allows it.
 */
export async function assessJoinRequest (request: JoinRequest, options: AssessmentOptions): Promise<Assessment> {
  const { host, allowance } = options
  if (host == null || typeof host.dial !== 'function') throw new TypeError('options.host must be a Host')
  const now = options.now ?? Date.now
  const dialTimeoutMs = options.dialTimeoutMs ?? DEFAULT_ASSESSMENT_DIAL_TIMEOUT_MS
  const infoTimeoutMs = options.infoTimeoutMs ?? DEFAULT_ASSESSMENT_INFO_TIMEOUT_MS
  const maxSkew = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS
  const required = options.requiredProtocols ?? [DELIVER_PROTOCOL, REGISTRY_PROTOCOL, INFO_PROTOCOL]
  const peerId = request.peerId
  const ranAt = now()
  allowance?.allow(peerId)
  try {
    if (!host.isAllowed(peerId)) return failAll(ranAt, 'the coordinator\'s gate refuses the applicant: no check could run')
    const probes = await Promise.all(request.addresses.map(async a => await probe(host, a, peerId, dialTimeoutMs)))
    return await conclude(ranAt, probes, { host, peerId, now, infoTimeoutMs, maxSkew, required })
  } finally {
    allowance?.disallow(peerId)
    if (!host.isAllowed(peerId)) host.closeConnectionsTo(peerId)
  }
}

interface ConcludeContext {
  host: Host
  peerId: string
  now: () => number
  infoTimeoutMs: number
  maxSkew: number
  required: readonly string[]
}

async function conclude (ranAt: number, probes: Probe[], ctx: ConcludeContext): Promise<Assessment> {
  const answered = probes.filter(p => p.remote !== undefined || p.refused === true)
  const unreachable = probes.filter(p => p.error !== undefined).map(p => `${p.address} (${p.error ?? ''})`)
  const reachable: AssessmentCheck = {
    name: 'reachable',
    ok: answered.length > 0,
    detail: `${answered.length} of ${probes.length} address(es) answered` + (unreachable.length > 0 ? `; no answer from ${listed(unreachable)}` : '')
  }
  const impostors = answered.filter(p => p.remote !== ctx.peerId).map(p => p.address)
  const genuine = answered.find(p => p.remote === ctx.peerId)
  let info: InfoReply | undefined
  let infoError = 'no address answered with the applicant\'s PeerId'
  let skewMs: number | undefined
  if (genuine !== undefined) {
    const sent = ctx.now()
    try {
      info = await fetchInfo(ctx.host, genuine.address, { timeoutMs: ctx.infoTimeoutMs })
      skewMs = Math.round(info.time - (sent + ctx.now()) / 2)
    } catch (err) {
      infoError = `the info request failed: ${isLienthongError(err) ? err.code : 'unknown'}`
    }
  }
  const peer: AssessmentCheck = {
    name: 'peer-id',
    ok: genuine !== undefined && impostors.length === 0,
    detail: impostors.length > 0
      ? `another PeerId answers at ${listed(impostors)}`
      : genuine !== undefined ? `${ctx.peerId} answers at ${genuine.address}` : 'no address answered: PeerId not checked'
  }
  const missing = info === undefined ? [] : ctx.required.filter(p => !info.protocols.includes(p))
  const protocols: AssessmentCheck = {
    name: 'protocols',
    ok: info !== undefined && missing.length === 0,
    detail: info === undefined ? infoError : missing.length > 0 ? `missing ${missing.join(', ')}` : `serves ${ctx.required.join(', ')}`
  }
  const skew: AssessmentCheck = {
    name: 'clock-skew',
    ok: skewMs !== undefined && Math.abs(skewMs) <= ctx.maxSkew,
    detail: skewMs === undefined ? infoError : `clock differs by ${skewMs} ms (limit ±${ctx.maxSkew} ms)`
  }
  const checks = [reachable, peer, protocols, skew]
  const result: Assessment = { ranAt, ok: checks.every(c => c.ok), checks }
  if (info !== undefined) {
    result.software = info.software
    result.protocols = info.protocols
  }
  if (skewMs !== undefined) result.skewMs = skewMs
  return result
}
