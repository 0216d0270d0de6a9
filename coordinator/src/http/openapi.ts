import { z } from 'zod'
import {
  assessmentBody, mergeBody, nodePatchBody, optionalReasonBody, orgCreateBody, orgPatchBody, promoteBody, reasonBody, reinstateBody, revokeBody,
  serviceBody, signedRequestBody
} from './schemas.js'

/** The coordinator API's OpenAPI 3.1 document (served at /openapi.json). Roles in `x-role`. */

type Op = {
  summary: string
  role?: 'viewer' | 'operator' | 'security' | 'admin'
  /** The JSON body the route validates with; `optional` when an empty body is accepted. */
  body?: { schema: z.ZodType, optional?: boolean }
  ok?: number
  params?: string[]
  query?: string[]
}

const problem = { description: 'RFC 9457 problem+json with a stable `code`', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }

function jsonSchema (schema: z.ZodType): object {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>
  return rest
}

function operation (op: Op): object {
  const errors = [...(op.role === undefined ? [400, 404, 409, 422] : [400, 401, 403, 404, 409, 422]), ...(op.body === undefined ? [] : [413, 415])]
  return {
    summary: op.summary,
    ...(op.role === undefined ? { security: [] } : { 'x-role': op.role }),
    parameters: [
      ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(op.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }))
    ],
    ...(op.body === undefined ? {} : { requestBody: { required: op.body.optional !== true, content: { 'application/json': { schema: jsonSchema(op.body.schema) } } } }),
    responses: { [String(op.ok ?? 200)]: { description: 'OK (JSON)' }, ...Object.fromEntries(errors.map((s) => [String(s), problem])) }
  }
}

const PATHS: Record<string, Record<string, Op>> = {
  '/v1/registry/orgs': { get: { summary: 'Organisations (q: code or name, accent-insensitive; status: active | retired)', query: ['q', 'status'] } },
  '/v1/registry/orgs/{code}': { get: { summary: 'One organisation and where it resolves (successor of a closed code)', params: ['code'] } },
  '/v1/registry/nodes': { get: { summary: 'Admitted nodes and their membership state (no contacts)', query: ['state'] } },
  '/v1/registry/services': { get: { summary: 'Services offered over the network' } },
  '/v1/registry/log': { get: { summary: 'Signed log entries after a seq, each with its exact wire bytes (verifiable anywhere)', query: ['since', 'limit'] } },
  '/v1/registry/checkpoint': { get: { summary: 'The newest signed checkpoint {seq, head, at}' } },
  '/v1/registry/changes': { get: { summary: 'Registry changes in real time (server-sent events `entry`, id = seq; Last-Event-ID or ?since=)', query: ['since'] } },
  '/v1/join-requests': {
    post: { summary: 'A node submits its join request signed by its key ({request, signature}, base64); the automated assessment starts at once', body: { schema: signedRequestBody }, ok: 202 },
    get: { summary: 'Join requests with their assessment and checklist', role: 'viewer', query: ['status', 'after', 'limit'] }
  },
  '/v1/join-requests/{id}': { get: { summary: 'One join request (with contacts)', role: 'viewer', params: ['id'] } },
  '/v1/join-requests/{id}/status': { get: { summary: 'What the applicant may read: status, decision time, the reason of a rejection', params: ['id'] } },
  '/v1/join-requests/{id}/assessment': { post: { summary: 'Mark the manual checklist ({checklist: {infrastructure|network|application|security: {ok, note?}}}) and/or re-run the automated checks ({rerun: true})', role: 'operator', params: ['id'], body: { schema: assessmentBody, optional: true } } },
  '/v1/join-requests/{id}/approve': { post: { summary: 'Approve: the node is admitted as trial (a signed registry entry with your token name and reason)', role: 'operator', params: ['id'], body: { schema: optionalReasonBody, optional: true } } },
  '/v1/join-requests/{id}/reject': { post: { summary: 'Reject with a reason the applicant can read', role: 'operator', params: ['id'], body: { schema: reasonBody } } },
  '/v1/pause-requests': {
    post: { summary: 'A node asks, signed by its key, to pause its connection with a reason', body: { schema: signedRequestBody }, ok: 202 },
    get: { summary: 'Pause requests', role: 'viewer', query: ['status', 'after', 'limit'] }
  },
  '/v1/pause-requests/{id}/status': { get: { summary: 'Public status of a pause request', params: ['id'] } },
  '/v1/pause-requests/{id}/approve': { post: { summary: 'Approve: the node is suspended with the unit\'s reason', role: 'operator', params: ['id'] } },
  '/v1/pause-requests/{id}/reject': { post: { summary: 'Reject with a reason', role: 'operator', params: ['id'], body: { schema: reasonBody } } },
  '/v1/nodes/{peerId}': { patch: { summary: 'Set the organisation codes the node hosts (the whole list) and/or its contacts, with the decision as reason', role: 'operator', params: ['peerId'], body: { schema: nodePatchBody } } },
  '/v1/nodes/{peerId}/promote': { post: { summary: 'trial → official (needs a conformance pass unless {force: true, reason})', role: 'operator', params: ['peerId'], body: { schema: promoteBody, optional: true } } },
  '/v1/nodes/{peerId}/suspend': { post: { summary: 'Suspend (trial|official → suspended)', role: 'operator', params: ['peerId'], body: { schema: reasonBody } } },
  '/v1/nodes/{peerId}/resume': { post: { summary: 'Resume (back to the state it was suspended from)', role: 'operator', params: ['peerId'], body: { schema: optionalReasonBody, optional: true } } },
  '/v1/nodes/{peerId}/revoke': { post: { summary: 'Revoke at a security incident: every node cuts it off at once', role: 'security', params: ['peerId'], body: { schema: revokeBody } } },
  '/v1/nodes/{peerId}/reinstate': { post: { summary: 'Reinstate a revoked node, only with a remediation record', role: 'security', params: ['peerId'], body: { schema: reinstateBody } } },
  '/v1/orgs': { post: { summary: 'Create an organisation code', role: 'operator', body: { schema: orgCreateBody }, ok: 201 } },
  '/v1/orgs/{code}': { patch: { summary: 'Rename, update or retire an organisation', role: 'operator', params: ['code'], body: { schema: orgPatchBody } } },
  '/v1/orgs/{code}/merge': { post: { summary: 'Merge units into {code}: it keeps its code, the others close and resolve to it', role: 'operator', params: ['code'], body: { schema: mergeBody } } },
  '/v1/services': { post: { summary: 'Add or replace a service', role: 'operator', body: { schema: serviceBody }, ok: 201 } },
  '/v1/services/{id}': { delete: { summary: 'Remove a service', role: 'operator', params: ['id'], query: ['reason'] } },
  '/v1/connections': { get: { summary: 'Each node: online/offline since when, last heartbeat, registry lag, queues, version, addresses', role: 'viewer' } },
  '/v1/alerts': { get: { summary: 'Offline/recovered alerts with every e-mail and SMS attempt and their times (the 30-minute rule)', role: 'viewer', query: ['since', 'after', 'peerId', 'limit'] } },
  '/v1/audit': { get: { summary: 'Audit log of admin actions: who (token name), when, what, why', role: 'viewer', query: ['since', 'limit', 'order'] } },
  '/v1/reports/evaluation': { get: { summary: 'Annual technical evaluation per node (JSON, or CSV with Accept: text/csv)', role: 'viewer', query: ['year'] } },
  '/v1/nodes/{peerId}/conformance': { get: { summary: 'Whether the node passed the conformance exchange with the test service: when, test document, statuses', role: 'viewer', params: ['peerId'] } },
  '/v1/health': { get: { summary: 'Coordinator health: ok | degraded with `problems`, registry head, checkpoint, peers' } },
  '/metrics': { get: { summary: 'Prometheus metrics' } },
  '/openapi.json': { get: { summary: 'This OpenAPI document' } }
}

/** The document, built from the route table above and the routes' own body schemas. */
export function coordinatorOpenApi (): object {
  return DOCUMENT
}

const DOCUMENT = build()

function build (): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Lienthong coordinator API', version: '0.1.0', description: 'Public registry and join/pause endpoints; admin endpoints need `Authorization: Bearer TOKEN` with the role in `x-role` (viewer < operator < security < admin).' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: { type: 'object', required: ['type', 'title', 'status', 'code', 'detail'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, instance: { type: 'string' }, meta: { type: 'object' } } } }
    },
    security: [{ bearer: [] }],
    paths: Object.fromEntries(Object.entries(PATHS).map(([path, ops]) => [path, Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(op)]))]))
  }
}
