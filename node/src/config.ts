import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { LienthongError } from '@lienthong/errors'
import { NodeErrorCode } from './errors.js'

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/, 'must be HOST:PORT')

/**
 * Every key of a node's config.json with its default; `init` writes them all. Network-wide
 * parameters (heartbeat interval, maximum envelope size, registry staleness limit) are not here:
 * they come from the registry.
 */
export const nodeConfigSchema = z.object({
  /** libp2p listen addresses; port 0 is fine: the heartbeat tells the coordinator where we are. */
  listen: z.array(z.string().startsWith('/')).min(1).default(['/ip4/0.0.0.0/tcp/0']),
  /**
   * Public libp2p addresses to publish instead of the bound ones (join request, heartbeats), for
   * a node behind NAT or a port forward, e.g. `/ip4/203.0.113.7/tcp/4001`. Empty: publish the
   * addresses the node listens on.
   */
  announce: z.array(z.string().startsWith('/')).default([]),
  /** HTTP API for the agency's document system. Loopback by default: it carries documents. */
  http: hostPort.default('127.0.0.1:7500'),
  /** Organisation codes this node hosts (sent in the join request). */
  orgs: z.array(z.string()).min(1),
  contacts: z.object({
    email: z.array(z.string()).default([]),
    phone: z.array(z.string()).default([])
  }).prefault({}),
  /** Largest payload this node accepts from its document system (the network maximum still applies). */
  maxPayloadBytes: z.number().int().min(1024).default(100 * 1024 * 1024),
  delivery: z.object({
    /** First retry after a failed delivery attempt; doubles each time, with jitter. */
    retryInitialMs: z.number().int().min(100).default(2_000),
    /** Longest wait between two attempts. */
    retryMaxMs: z.number().int().min(1000).default(5 * 60_000),
    /** Default lifetime of a document before delivery gives up: 7 days. */
    defaultTtlMs: z.number().int().min(60_000).default(7 * 24 * 3600_000)
  }).prefault({}),
  /** How many peers besides the coordinator to keep connected, so registry changes spread. */
  meshPeers: z.number().int().min(0).max(64).default(4),
  log: z.object({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') }).prefault({})
}).strict()

export type NodeConfig = z.infer<typeof nodeConfigSchema>

export function parseNodeConfig (data: unknown, source = 'config.json'): NodeConfig {
  const result = nodeConfigSchema.safeParse(data)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new LienthongError(NodeErrorCode.CONFIG_INVALID, `${source} is invalid: ${problems.join('; ')}`, { source, problems })
  }
  return result.data
}

export async function readNodeConfig (path: string): Promise<NodeConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new LienthongError(NodeErrorCode.CONFIG_MISSING, `cannot read ${path}; run \`lienthong-node init\` first`, { path })
  }
  try {
    return parseNodeConfig(JSON.parse(text) as unknown, path)
  } catch (err) {
    if (err instanceof LienthongError) throw err
    throw new LienthongError(NodeErrorCode.CONFIG_INVALID, `${path} is not valid JSON: ${(err as Error).message}`, { source: path })
  }
}
