import { readFile, rm, writeFile } from 'node:fs/promises'
import { readKeyFile } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { createJoinRequest, createPauseRequest, encodeRequestWire, type SelfAssessment } from '@lienthong/membership'
import { NODE_VERSION } from './constants.js'
import { readNodeConfig } from './config.js'
import { NodeErrorCode } from './errors.js'
import { readNetworkFile } from './init.js'
import { nodePaths } from './paths.js'

/** What a running node writes to `<data>/run.json` (and removes when it stops). */
export interface RunInfo {
  pid: number
  peerId: string
  httpUrl: string
  addresses: string[]
  startedAt: string
}

export async function writeRunInfo (data: string, info: RunInfo): Promise<void> {
  await writeFile(nodePaths(data).run, JSON.stringify(info, null, 2) + '\n', { mode: 0o644 })
}

export async function removeRunInfo (data: string): Promise<void> {
  await rm(nodePaths(data).run, { force: true })
}

async function readRunInfo (data: string): Promise<RunInfo | undefined> {
  try {
    return JSON.parse(await readFile(nodePaths(data).run, 'utf8')) as RunInfo
  } catch {
    return undefined
  }
}

/** Submitted request: its id and where its public status can be read. */
export interface SubmittedRequest { id: string, status: string, statusUrl: string }

async function post (url: string, body: unknown): Promise<SubmittedRequest> {
  let res: Response
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
  } catch (err) {
    throw new LienthongError(NodeErrorCode.COORDINATOR_UNREACHABLE, `cannot reach the coordinator at ${url}: ${(err as Error).message}`, { url })
  }
  const answer = await res.json().catch(() => ({})) as { id?: string, status?: string, statusUrl?: string, code?: string, detail?: string }
  if (res.status !== 202 || answer.id === undefined) {
    throw new LienthongError(NodeErrorCode.REQUEST_REFUSED, `the coordinator refused the request: ${answer.detail ?? `HTTP ${res.status}`}${answer.code === undefined ? '' : ` (${answer.code})`}`, { status: res.status, remoteCode: answer.code ?? null })
  }
  return { id: answer.id, status: answer.status ?? 'pending', statusUrl: answer.statusUrl ?? '' }
}

const NOT_STATED = 'Not stated in the request; ask the unit.'

/**
 * Send this node's signed join request to the coordinator. The node must be running (the
 * coordinator dials it to assess it): its bound addresses come from `<data>/run.json`, unless
 * `addresses` are given (e.g. public addresses behind NAT).
 */
export async function submitJoinRequest (options: { data: string, addresses?: string[], selfAssessment?: Partial<SelfAssessment> }): Promise<SubmittedRequest & { coordinator: string }> {
  const paths = nodePaths(options.data)
  const config = await readNodeConfig(paths.config)
  const network = await readNetworkFile(paths.network)
  const key = readKeyFile(paths.key)
  const run = await readRunInfo(options.data)
  const addresses = options.addresses ?? run?.addresses
  if (addresses === undefined || addresses.length === 0) {
    throw new LienthongError(NodeErrorCode.NODE_NOT_RUNNING, `start the node first (lienthong-node start --data ${options.data}): the coordinator dials it to assess it; or pass --address MULTIADDR`)
  }
  const signed = createJoinRequest(key, {
    network: network.name,
    orgs: config.orgs,
    contacts: { email: config.contacts.email, phone: config.contacts.phone },
    addresses,
    selfAssessment: {
      infrastructure: options.selfAssessment?.infrastructure ?? NOT_STATED,
      network: options.selfAssessment?.network ?? NOT_STATED,
      application: options.selfAssessment?.application ?? NOT_STATED,
      security: options.selfAssessment?.security ?? NOT_STATED
    },
    software: `lienthong-node/${NODE_VERSION}`
  })
  const submitted = await post(`${network.coordinator.http}/v1/join-requests`, encodeRequestWire(signed))
  return { ...submitted, coordinator: network.coordinator.http }
}

/** Ask the coordinator, signed by this node's key, to pause this node's connection. */
export async function submitPauseRequest (options: { data: string, reason: string }): Promise<SubmittedRequest & { coordinator: string }> {
  const paths = nodePaths(options.data)
  const network = await readNetworkFile(paths.network)
  const key = readKeyFile(paths.key)
  const signed = createPauseRequest(key, { network: network.name, reason: options.reason })
  const submitted = await post(`${network.coordinator.http}/v1/pause-requests`, encodeRequestWire(signed))
  return { ...submitted, coordinator: network.coordinator.http }
}
