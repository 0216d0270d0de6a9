import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExecutionContext } from 'ava'
import { coordinatorPaths, initCoordinator, startCoordinator, type Coordinator } from '@lienthong/coordinator'
import { silentLogger } from '@lienthong/errors'
import { initNode, startNode, type NodeStartOptions, type RelayNode } from '@lienthong/node'
import { apiClient, type ApiClient } from './api.js'

export interface NodeSpec {
  name: string
  orgs: string[]
  /** Membership after admission (default official). */
  state?: 'trial' | 'official'
}

export interface TestNode {
  name: string
  data: string
  node: RelayNode
  apiToken: string
  api: ApiClient
  /** Restart on the same data folder (e.g. after stop()), optionally with start flags (`announce`, ...). */
  restart: (options?: Partial<Omit<NodeStartOptions, 'data'>>) => Promise<void>
  stop: () => Promise<void>
}

export interface TestNetwork {
  dir: string
  coordinator: Coordinator
  adminToken: string
  admin: ApiClient
  nodes: Record<string, TestNode>
}

/** Resolve when `check()` is true, re-checking every `everyMs`; reject after `timeoutMs`. */
export async function waitFor (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => { setTimeout(resolve, everyMs) })
  }
}

/**
 * A coordinator plus relay nodes, each from its own data folder. Nodes are admitted by the
 * coordinator appending signed registry entries (as an operator's approval does) and are in
 * sync with it when this resolves. Everything is stopped and removed in t.teardown.
 */
export async function startNetwork (t: ExecutionContext, specs: NodeSpec[]): Promise<TestNetwork> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-net-'))
  const nodes: Record<string, TestNode> = {}
  const running: { coordinator?: Coordinator } = {}
  t.teardown(async () => {
    for (const n of Object.values(nodes)) await n.stop()
    await running.coordinator?.close()
    await rm(dir, { recursive: true, force: true })
  })
  const coordDir = join(dir, 'coordinator')
  const { adminToken } = await initCoordinator({ data: coordDir, name: 'itest', listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0' })
  const coord = await startCoordinator({ data: coordDir, logger: silentLogger })
  running.coordinator = coord

  for (const spec of specs) {
    const data = join(dir, spec.name)
    const init = await initNode({
      data, network: coordinatorPaths(coordDir).network, orgs: spec.orgs, email: [`it@${spec.name}.example`], phone: ['+84900000000'],
      listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0'
    })
    let current: RelayNode | undefined = await startNode({ data, logger: silentLogger, linkIntervalMs: 500 })
    const entry: TestNode = {
      name: spec.name,
      data,
      get node () { if (current === undefined) throw new Error(`${spec.name} is stopped`); return current },
      apiToken: init.apiToken,
      get api () { return apiClient(this.node.httpUrl, init.apiToken) },
      restart: async (options = {}) => {
        if (current !== undefined) throw new Error(`${spec.name} is running`)
        current = await startNode({ data, logger: silentLogger, linkIntervalMs: 500, ...options })
        current.links.refresh()
      },
      stop: async () => {
        const n = current
        current = undefined
        await n?.close()
      }
    }
    nodes[spec.name] = entry
    const n = entry.node
    await coord.replica.append(coord.key, [{
      type: 'node.admit', peerId: n.host.peerId, publicKey: n.key.publicKey, sealingPublicKey: n.key.sealingPublicKey,
      addresses: n.host.multiaddrs, orgs: spec.orgs, contacts: { email: [`it@${spec.name}.example`], phone: [] }
    }], { actor: 'test-harness', reason: 'admitted by the test harness' })
    if ((spec.state ?? 'official') === 'official') {
      await coord.replica.append(coord.key, [{ type: 'node.promote', peerId: n.host.peerId }], { actor: 'test-harness', reason: 'promoted by the test harness' })
    }
  }
  for (const n of Object.values(nodes)) n.node.links.refresh()
  await waitFor('every node in sync with the coordinator', () => Object.values(nodes).every((n) => n.node.replica.seq === coord.replica.seq))
  return { dir, coordinator: coord, adminToken, admin: apiClient(coord.httpUrl, adminToken), nodes }
}
