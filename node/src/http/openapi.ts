import { z } from 'zod'
import { registryOpenApiPaths } from '@lienthong/http'
import { statusSchema } from './inbox.js'
import { submitJsonSchema } from './outbox.js'

const problem = { description: 'RFC 9457 problem+json with a stable `code`', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
const json = (description: string): object => ({ description, content: { 'application/json': { schema: { type: 'object' } } } })
const errors = (...codes: number[]): Record<string, object> => Object.fromEntries(codes.map((c) => [String(c), problem]))

/** The node API's OpenAPI 3.1 document (served at /openapi.json). */
export function nodeOpenApi (version: string): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Lienthong relay node API', version, description: 'For the agency\'s own document management system. Every /v1 route needs `Authorization: Bearer TOKEN` (lienthong-node token create).' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: { type: 'object', required: ['type', 'title', 'status', 'code', 'detail'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, instance: { type: 'string' }, meta: { type: 'object' } } },
        SubmitJson: z.toJSONSchema(submitJsonSchema),
        Status: z.toJSONSchema(statusSchema)
      }
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/outbox': {
        post: {
          summary: 'Send a document',
          description: 'JSON with a base64 payload, or a raw application/octet-stream body (any size, streamed) with from, to (repeated or comma-separated) and contentType in the query. Answered 202 only once the document is durable. A closed recipient code is routed to its successor and `warnings` says so.',
          parameters: ['from', 'to', 'contentType', 'ttlMs'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitJson' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: { 202: json('{id, recipients[{org, effectiveOrg, redirected, node}], warnings[]}'), ...errors(400, 401, 413, 415, 422) }
        }
      },
      '/v1/outbox/{id}': { get: { summary: 'Per-recipient delivery state (queued | delivered with receipt | failed with reason) and statuses received', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json('OutboxView'), ...errors(401, 404) } } },
      '/v1/inbox': { get: { summary: 'Received documents, oldest first, not yet acknowledged', parameters: [{ name: 'after', in: 'query', schema: { type: 'string' } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } }, { name: 'inline', in: 'query', schema: { type: 'boolean' } }], responses: { 200: json('{entries[], next?}; payloads ≤ 1 MiB inline as base64'), ...errors(400, 401) } } },
      '/v1/inbox/stream': { get: { summary: 'The same as server-sent events (event "document", id = cursor); resumable with Last-Event-ID', responses: { 200: { description: 'text/event-stream' }, ...errors(401) } } },
      '/v1/inbox/{id}': { get: { summary: 'One received document', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json('InboxView'), ...errors(401, 404) } } },
      '/v1/inbox/{id}/payload': { get: { summary: 'The decrypted payload as a stream, whatever its size', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'the document bytes with their content type' }, ...errors(401, 404) } } },
      '/v1/inbox/{id}/ack': { post: { summary: 'The document system has it: hide it from later pages', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json('{id, acked}'), ...errors(401, 404) } } },
      '/v1/inbox/{id}/status': { post: { summary: 'Send a national status code (01, 02, 03, 04, 05, 06, 13, 15, 16) back to the sender', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Status' } } } }, responses: { 202: json('{id}'), ...errors(400, 401, 404, 409, 422) } } },
      ...registryOpenApiPaths('/v1/registry', { auth: true }),
      '/v1/health': { get: { summary: 'ok | degraded, with registry freshness, links, queue depths', responses: { 200: json('health') , ...errors(401) } } },
      '/metrics': { get: { summary: 'Prometheus metrics (no documents, no secrets; no token needed)', security: [], responses: { 200: { description: 'text/plain; version=0.0.4' } } } }
    }
  }
}
