import { LOG_PAGE_LIMIT, NODE_STATES } from './registry-routes.js'

const problem = { description: 'RFC 9457 problem+json with a stable `code`', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
const json = (description: string): object => ({ description, content: { 'application/json': { schema: { type: 'object' } } } })
const errors = (codes: number[]): Record<string, object> => Object.fromEntries(codes.map((c) => [String(c), problem]))
const query = (name: string, schema: object, description: string): object => ({ name, in: 'query', schema, description })

/**
 * The OpenAPI 3.1 `paths` of `registryRoutes` mounted at `prefix` (e.g. `/v1/registry`), in one
 * place so that the node's and the coordinator's documents say the same. `auth` adds the 401 of
 * an API that needs a token (the node's); the coordinator's registry is public. The documents
 * refer to `#/components/schemas/Problem`.
 */
export function registryOpenApiPaths (prefix: string, options: { auth: boolean }): Record<string, object> {
  const refused = (...codes: number[]): Record<string, object> => errors(options.auth ? [...codes, 401] : codes)
  const security = options.auth ? {} : { security: [] }
  const get = (summary: string, responses: Record<string, object>, parameters: object[] = []): object =>
    ({ get: { summary, ...security, ...(parameters.length > 0 ? { parameters } : {}), responses } })
  return {
    [`${prefix}/orgs`]: get('Organisations, sorted by code', { 200: json('{count, orgs[]}'), ...refused(400) }, [
      query('q', { type: 'string' }, 'code or name, case- and accent-insensitive'),
      query('status', { type: 'string', enum: ['active', 'retired'] }, 'only active or only retired (closed, merged) codes')
    ]),
    [`${prefix}/orgs/{code}`]: get('One organisation and where it resolves (the successor of a closed code)', { 200: json('{org, effective}'), ...refused(404) }, [
      { name: 'code', in: 'path', required: true, schema: { type: 'string' }, description: 'organisation code, e.g. 000.00.00.H29' }
    ]),
    [`${prefix}/nodes`]: get('Admitted nodes and their membership state (no contacts)', { 200: json('{count, nodes[]}'), ...refused(400) }, [
      query('state', { type: 'string', enum: [...NODE_STATES] }, 'only nodes in this state')
    ]),
    [`${prefix}/services`]: get('Services offered on the network', { 200: json('{count, services[]}'), ...refused() }),
    [`${prefix}/log`]: get('The signed registry log, oldest first, one page', { 200: json('{head, entries[], next}'), ...refused(400) }, [
      query('since', { type: 'integer', minimum: -1 }, 'entries after this seq (default -1: from the genesis)'),
      query('limit', { type: 'integer', minimum: 1, maximum: LOG_PAGE_LIMIT }, `page size (default and maximum ${LOG_PAGE_LIMIT})`)
    ]),
    [`${prefix}/checkpoint`]: get('The newest coordinator-signed checkpoint (seq, head, time, signed bytes)', { 200: json('{seq, head, at, wire}'), ...refused(404) })
  }
}
