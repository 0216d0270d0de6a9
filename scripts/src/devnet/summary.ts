/**
 * What a devnet run reports: a plain object (the end-to-end test asserts it) and its text form
 * (printed, and written to `<dir>/summary.txt`), with curl lines that work when pasted.
 */
import { isAbsolute, relative } from 'node:path'
import type { NodeState, OutboxView } from '@lienthong/client'
import type { Promotion } from './membership.js'

export interface NodeSummary {
  name: string
  org: string
  orgName: string
  url: string
  token: string
  tokenFile: string
  peerId: string
  membership: NodeState
  pid: number
  data: string
  log: string
  /** Workflow steps done in this run (none when the node was already official). */
  steps: string[]
  /** How the registry says it was promoted (forced with the devnet's reason, or after passing conformance). */
  promotion?: Promotion
  rssKiB?: number
}

export interface CurlLine {
  what: string
  command: string
  /** A top-level key the JSON answer has (what the end-to-end test checks). */
  expect: string
}

export interface DevnetSummary {
  network: string
  dataDir: string
  /** True when the data folder already held the network (nothing initialised this time). */
  reused: boolean
  ports: 'fixed' | 'ephemeral'
  /** From the start of runDevnet until everything below was true. */
  readyMs: number
  coordinator: { url: string, peerId: string, adminToken: string, adminTokenFile: string, pid: number, data: string, log: string, rssKiB?: number }
  nodes: NodeSummary[]
  /** How trial nodes were promoted (forced until the conformance exchange is waited for). */
  promotion: Promotion & { note: string }
  sample?: { id: string, from: string, to: string[], ms: number, received: Array<{ org: string, text: string }>, outbox: OutboxView }
  memory: { nodes: number, totalKiB: number, avgKiB: number, maxKiB: number, coordinatorKiB: number | null }
  curl: CurlLine[]
  next: string[]
}

const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`
const auth = (token: string): string => `-H ${q(`authorization: Bearer ${token}`)}`

/** 4–6 curl lines against the running network; every one answers JSON. */
export function curlLines (s: Pick<DevnetSummary, 'coordinator' | 'nodes' | 'sample'>): CurlLine[] {
  const [first, second, third] = s.nodes
  if (first === undefined) return []
  const lines: CurlLine[] = [{ what: `health of ${first.name} (${first.orgName})`, command: `curl -s ${auth(first.token)} ${first.url}/v1/health`, expect: 'membership' }]
  const from = second ?? first
  const to = third ?? first
  lines.push({
    what: `send a document from ${from.orgName} to ${to.orgName} (raw body; JSON with base64 works too)`,
    command: `curl -s -X POST ${auth(from.token)} -H 'content-type: application/octet-stream' --data-binary ${q(`Công văn thử nghiệm từ ${from.orgName}`)} ${q(`${from.url}/v1/outbox?from=${from.org}&to=${to.org}&contentType=text/plain`)}`,
    expect: 'recipients'
  })
  lines.push({ what: `the inbox of ${to.name} (unacknowledged documents, payloads inline as base64)`, command: `curl -s ${auth(to.token)} ${q(`${to.url}/v1/inbox?limit=5`)}`, expect: 'entries' })
  const sample = s.sample
  const sender = sample === undefined ? undefined : s.nodes.find((n) => n.org === sample.from)
  if (sample !== undefined && sender !== undefined) {
    lines.push({ what: `delivery and statuses of the sample document at ${sender.name}`, command: `curl -s ${auth(sender.token)} ${sender.url}/v1/outbox/${sample.id}`, expect: 'statuses' })
  }
  lines.push({ what: 'the public registry: official nodes (no token)', command: `curl -s ${q(`${s.coordinator.url}/v1/registry/nodes?state=official`)}`, expect: 'nodes' })
  lines.push({ what: 'join requests and their assessments (admin token)', command: `curl -s ${auth(s.coordinator.adminToken)} ${s.coordinator.url}/v1/join-requests`, expect: 'requests' })
  return lines
}

const mb = (kib: number | undefined): string => kib === undefined ? '?' : `${Math.round(kib / 1024)} MB`
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** The summary as people read it. */
export function formatSummary (s: DevnetSummary, cwd = process.cwd()): string {
  // Short paths when under the current folder (npm start from the repository), else absolute.
  const rel = (p: string): string => {
    const r = relative(cwd, p)
    return r === '' ? '.' : r.startsWith('..') || isAbsolute(r) ? p : r
  }
  const out: string[] = []
  const how = s.reused ? 'existing data reused' : 'first run: initialised, joined, approved, promoted'
  out.push(`Lienthong devnet "${s.network}" ready in ${sec(s.readyMs)} (${how})`)
  out.push(`data         ${s.dataDir}   (logs in ${rel(s.dataDir)}/logs/, this summary in ${rel(s.dataDir)}/summary.txt)`)
  out.push('')
  out.push(`coordinator  ${s.coordinator.url}   pid ${s.coordinator.pid}, ${mb(s.coordinator.rssKiB)}`)
  out.push(`  admin token  ${s.coordinator.adminToken}   (${rel(s.coordinator.adminTokenFile)})`)
  out.push(`nodes (${s.nodes.length}, one process each)`)
  const width = Math.max(...s.nodes.map((n) => n.name.length))
  for (const n of s.nodes) {
    out.push(`  ${n.name.padEnd(width)}  ${n.org}  ${n.url}  ${n.membership}  pid ${n.pid}  ${mb(n.rssKiB)}  ${n.orgName}`)
    out.push(`  ${''.padEnd(width)}  token ${n.token}   (${rel(n.tokenFile)})`)
  }
  out.push(`memory       ${s.memory.nodes} node processes: ${mb(s.memory.avgKiB)} each on average (max ${mb(s.memory.maxKiB)}), ${mb(s.memory.totalKiB)} in total; coordinator ${mb(s.memory.coordinatorKiB ?? undefined)}`)
  out.push('')
  out.push('membership   lienthong-node join → automated assessment → checklist + approve (trial) → promote (official)')
  out.push(`             NOTE: ${s.promotion.note}`)
  if (s.sample !== undefined) {
    const statuses = [...new Set(s.sample.outbox.statuses.map((v) => v.code))].sort().join(' and ')
    const delivered = s.sample.outbox.deliveries.filter((d) => d.state === 'delivered').length
    out.push(`sample       document ${s.sample.id} from ${s.sample.from} to ${s.sample.to.length} units: ${delivered}/${s.sample.outbox.deliveries.length} deliveries receipted, statuses ${statuses} back from each (${sec(s.sample.ms)})`)
  }
  out.push('')
  out.push('try')
  for (const c of s.curl) out.push(`  # ${c.what}`, `  ${c.command}`)
  out.push('')
  out.push('next')
  for (const line of s.next) out.push(`  ${line}`)
  return out.join('\n') + '\n'
}

/** Suggestions printed under "next". */
export function nextSteps (s: Pick<DevnetSummary, 'nodes' | 'dataDir'>, all: boolean): string[] {
  const first = s.nodes[0]
  const lines = [
    first === undefined ? '' : `follow ${first.name}'s inbox live: curl -N ${auth(first.token)} ${first.url}/v1/inbox/stream`,
    'from TypeScript: import { NodeClient } from \'@lienthong/client\' (packages/client/README.md)',
    'both APIs describe themselves at GET /openapi.json (no token); see also docs/architecture.md §6',
    all ? 'the 4-unit demo: npm start' : 'every province and ministry, one node each: npm run devnet -- --all',
    `Ctrl-C stops every process; run it again to reuse the data; rm -rf ${s.dataDir} starts afresh`
  ]
  return lines.filter((l) => l !== '')
}
