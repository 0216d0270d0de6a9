import { Hono } from 'hono'
import {
  entryJson, listNodes, listOrgs, listServices, nodeJson, orgJson, resolveOrg, serviceJson,
  type AppliedEntry, type NodeState, type RegistryState, type SignedCheckpoint, type Checkpoint
} from '@lienthong/registry'
import { HttpErrorCode } from './errors.js'
import { HttpError } from './problem.js'
import { intQuery } from './request.js'

/** What the public registry routes read: the committed registry of a node or the coordinator (a RegistryReplica fits). */
export interface RegistrySource {
  readonly state: RegistryState
  entry: (seq: number) => AppliedEntry | undefined
  readonly latestCheckpoint: { checkpoint: Checkpoint, signed: SignedCheckpoint } | undefined
}

export const NODE_STATES: readonly NodeState[] = ['trial', 'official', 'suspended', 'revoked']
export const LOG_PAGE_LIMIT = 1000

/**
 * `GET /orgs[?q=&status=]`, `/orgs/:code`, `/nodes[?state=]`, `/services`, `/log?since=SEQ&limit=N`,
 * `/checkpoint`: the registry as public JSON (node contacts left out). Mount under `/v1/registry`.
 */
export function registryRoutes (source: RegistrySource): Hono {
  const app = new Hono()
  app.get('/orgs', (c) => {
    const status = c.req.query('status')
    if (status !== undefined && status !== 'active' && status !== 'retired') {
      throw new HttpError(400, HttpErrorCode.BAD_QUERY, 'query parameter "status" must be active or retired', { field: 'status' })
    }
    const q = c.req.query('q')
    const orgs = listOrgs(source.state, { ...(status === undefined ? {} : { status }), ...(q === undefined || q === '' ? {} : { q }) })
    return c.json({ count: orgs.length, orgs: orgs.map(orgJson) })
  })
  app.get('/orgs/:code', (c) => {
    const code = c.req.param('code')
    const state = source.state
    const org = state.orgs.get(code)
    if (org === undefined) throw new HttpError(404, 'unknown-org', `no organisation has the code ${code}`, { code })
    const resolution = resolveOrg(state, code)
    return c.json({
      org: orgJson(org),
      effective: resolution === undefined ? null : { code: resolution.org.code, name: resolution.org.name, via: [...resolution.via], redirected: resolution.redirected }
    })
  })
  app.get('/nodes', (c) => {
    const state = c.req.query('state')
    if (state !== undefined && !NODE_STATES.includes(state as NodeState)) {
      throw new HttpError(400, HttpErrorCode.BAD_QUERY, `query parameter "state" must be one of ${NODE_STATES.join(', ')}`, { field: 'state' })
    }
    const nodes = listNodes(source.state, state === undefined ? {} : { state: state as NodeState })
    return c.json({ count: nodes.length, nodes: nodes.map((n) => nodeJson(n)) })
  })
  app.get('/services', (c) => {
    const services = listServices(source.state)
    return c.json({ count: services.length, services: services.map(serviceJson) })
  })
  app.get('/log', (c) => {
    const raw = c.req.query('since')
    const since = raw === '-1' ? -1 : intQuery(c, 'since', -1)
    const limit = intQuery(c, 'limit', LOG_PAGE_LIMIT, LOG_PAGE_LIMIT)
    if (limit < 1) throw new HttpError(400, HttpErrorCode.BAD_QUERY, 'query parameter "limit" must be at least 1', { field: 'limit' })
    const head = source.state.seq
    const entries: AppliedEntry[] = []
    for (let seq = since + 1; seq <= head && entries.length < limit; seq++) {
      const entry = source.entry(seq)
      if (entry !== undefined) entries.push(entry)
    }
    const last = entries.at(-1)?.seq ?? since
    return c.json({ head, entries: entries.map(entryJson), next: last < head ? `?since=${last}` : null })
  })
  app.get('/checkpoint', (c) => {
    const held = source.latestCheckpoint
    if (held === undefined) throw new HttpError(404, 'no-checkpoint', 'no checkpoint has been signed yet')
    return c.json({
      seq: held.checkpoint.seq,
      head: Buffer.from(held.checkpoint.head).toString('hex'),
      at: held.checkpoint.at,
      wire: { bytes: Buffer.from(held.signed.bytes).toString('base64'), signature: Buffer.from(held.signed.signature).toString('base64') }
    })
  })
  return app
}
