/** One unit's node: init (first run only), start, admission; what the summary says about it. */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { NodeClient, type CoordinatorClient } from '@lienthong/client'
import { admit, type Admission } from './membership.js'
import { mustRun, startService, type Bins, type ProcessSet } from './processes.js'
import type { Ports } from './state.js'
import type { NodeSummary } from './summary.js'
import type { Unit } from './units.js'

/** Read a token file (one line). */
export async function readToken (file: string): Promise<string> {
  return (await readFile(file, 'utf8')).trim()
}

/** Where a unit's node keeps its data and log. */
export function nodeFiles (dir: string, unit: Unit): { data: string, log: string } {
  return { data: join(dir, 'nodes', unit.name), log: join(dir, 'logs', `${unit.name}.log`) }
}

/** `lienthong-node init`, unless the data folder already holds a node. Returns true when it ran. */
export async function initNode (bins: Bins, dir: string, unit: Unit, ports: Ports): Promise<boolean> {
  const { data, log } = nodeFiles(dir, unit)
  if (existsSync(join(data, 'config.json'))) return false
  await mustRun(bins.node, [
    'init', '--data', data, '--network', join(dir, 'coordinator', 'network.json'), '--org', unit.org,
    '--email', `devnet@${unit.name}.invalid`, '--phone', '+84900000000', '--listen', ports.listen, '--http', ports.http
  ], log)
  return true
}

export interface NodeUpInit {
  bins: Bins
  dir: string
  unit: Unit
  orgName: string
  coordinator: CoordinatorClient
  processes: ProcessSet
  progress: (line: string) => void
  timeoutMs: number
}

/** Start the node, bring it to official; its client, summary line and admission. */
export async function bringUpNode (init: NodeUpInit): Promise<{ client: NodeClient, summary: NodeSummary, admission: Admission }> {
  const { unit, bins, progress } = init
  const { data, log } = nodeFiles(init.dir, unit)
  const service = await init.processes.add(await startService(unit.name, bins.node, ['start', '--data', data], log))
  const url = await service.ready
  const tokenFile = join(data, 'api-token')
  const token = await readToken(tokenFile)
  const client = new NodeClient({ baseUrl: url, token })
  const { peerId } = await client.health()
  progress(`${unit.name}: node up at ${url}`)
  const admission = await admit({ name: unit.name, data, peerId, node: client, coordinator: init.coordinator, nodeBin: bins.node, log, progress, timeoutMs: init.timeoutMs })
  const summary: NodeSummary = {
    name: unit.name, org: unit.org, orgName: init.orgName, url, token, tokenFile, peerId,
    membership: admission.membership, pid: service.pid, data, log, steps: admission.steps
  }
  return { client, summary, admission }
}
