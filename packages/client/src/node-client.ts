import { ClientError, ClientErrorCode } from './errors.js'
import type { AckResult, InboxEntry, InboxPage, NodeHealth, NodeState, OutboxView, SubmitResult } from './node-types.js'
import type { OrgLookup, Org, RegistryNode } from './registry-types.js'
import { followInbox, type StreamOptions } from './inbox-stream.js'
import { Transport, type TransportInit } from './transport.js'

/** Payloads up to this size go as JSON (base64) by default; larger ones as a raw streamed body. */
export const DEFAULT_JSON_MAX_BYTES = 1024 * 1024

/** A document to send. */
export interface SendRequest {
  /** Sender organisation code, hosted by this node. */
  from: string
  /** Recipient organisation codes (1..500). */
  to: string[]
  /** MIME type, e.g. `application/pdf`, `text/plain; charset=utf-8`. */
  contentType: string
  /** The document: text (sent as UTF-8), bytes, or a stream of bytes (always a streamed upload). */
  payload: string | Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>
  /** Lifetime before delivery gives up (default: the node's). */
  ttlMs?: number
  signal?: AbortSignal
}

/** A received document's bytes, streamed from the node. */
export interface Payload {
  contentType: string
  /** Plaintext length in bytes. */
  length: number
  /** The bytes, read once: iterate it, or call `bytes()` / `text()` instead. */
  stream: ReadableStream<Uint8Array>
  bytes: () => Promise<Uint8Array>
  text: () => Promise<string>
}

export interface NodeClientInit extends TransportInit {
  /** API token of the node (`<data>/api-token`, or `lienthong-node token create`). */
  token: string
  /** Bytes payloads above this go as a raw streamed upload instead of JSON (default 1 MiB). */
  jsonMaxBytes?: number
}

function isStreamPayload (p: SendRequest['payload']): p is AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> {
  return typeof p === 'object' && p !== null && !(p instanceof Uint8Array)
}

function toReadable (source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      const next = await iterator.next()
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel () { await iterator.return?.() }
  })
}

/**
 * Client of a relay node's HTTP API, for an agency's document system: send documents, follow
 * and page the inbox, acknowledge, report statuses. Every failure is a `ClientError` carrying the
 * server's stable `code`.
 *
 * @example
 * ```ts
 * const node = new NodeClient({ baseUrl: 'http://127.0.0.1:7500', token })
 * const { id } = await node.send({ from: '000.00.00.G22', to: ['000.00.00.H29'], contentType: 'text/plain', payload: 'Công văn số 1' })
 * for await (const doc of node.stream({ signal })) { await node.ack(doc.id) }
 * ```
 */
export class NodeClient {
  readonly #http: Transport
  readonly #jsonMaxBytes: number

  constructor (init: NodeClientInit) {
    if (typeof init.token !== 'string' || init.token === '') throw new TypeError('token is required')
    this.#http = new Transport(init)
    this.#jsonMaxBytes = init.jsonMaxBytes ?? DEFAULT_JSON_MAX_BYTES
  }

  get baseUrl (): string {
    return this.#http.baseUrl
  }

  /**
   * Submit a document; resolves once the node holds it durably (HTTP 202). Text and bytes up to
   * `jsonMaxBytes` go as JSON; larger bytes and any stream as `application/octet-stream` with
   * from/to/contentType in the query, streamed (memory stays bounded on both sides).
   */
  async send (request: SendRequest): Promise<SubmitResult> {
    const { from, to, contentType, payload, ttlMs, signal } = request
    if (typeof from !== 'string' || !Array.isArray(to) || typeof contentType !== 'string') throw new TypeError('from, to[] and contentType are required')
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload
    if (!isStreamPayload(bytes) && bytes.byteLength <= this.#jsonMaxBytes) {
      return await this.#http.json<SubmitResult>('POST', '/v1/outbox', {
        json: { from, to, contentType, payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), ...(ttlMs === undefined ? {} : { ttlMs }) },
        ...(signal === undefined ? {} : { signal })
      })
    }
    const body = isStreamPayload(bytes) ? toReadable(bytes) : bytes
    const res = await this.#http.ok('POST', '/v1/outbox', {
      query: { from, to, contentType, ttlMs },
      headers: { 'content-type': 'application/octet-stream', accept: 'application/json' },
      body,
      // Node's fetch needs this to send a stream as the request body.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      ...(signal === undefined ? {} : { signal })
    })
    return await res.json() as SubmitResult
  }

  /** Per-recipient delivery state and the statuses received for a sent document. */
  async outbox (id: string): Promise<OutboxView> {
    return await this.#http.json<OutboxView>('GET', `/v1/outbox/${encodeURIComponent(id)}`)
  }

  /** Received, not yet acknowledged documents, oldest first; pass `next` as `after` for the next page. */
  async inbox (options: { after?: string, limit?: number, inline?: boolean } = {}): Promise<InboxPage> {
    return await this.#http.json<InboxPage>('GET', '/v1/inbox', { query: { after: options.after, limit: options.limit, inline: options.inline } })
  }

  /** One received document (payload inline as base64 when ≤ 1 MiB, unless `inline: false`). */
  async inboxEntry (id: string, options: { inline?: boolean } = {}): Promise<InboxEntry> {
    return await this.#http.json<InboxEntry>('GET', `/v1/inbox/${encodeURIComponent(id)}`, { query: { inline: options.inline } })
  }

  /** A received document's bytes, as a stream whatever the size. */
  async payload (id: string, options: { signal?: AbortSignal } = {}): Promise<Payload> {
    const path = `/v1/inbox/${encodeURIComponent(id)}/payload`
    const res = await this.#http.ok('GET', path, options.signal === undefined ? {} : { signal: options.signal })
    if (res.body === null) throw new ClientError(ClientErrorCode.BAD_RESPONSE, `GET ${path} answered without a body`, { status: res.status, method: 'GET', path })
    const stream = res.body
    return {
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      length: Number(res.headers.get('content-length') ?? NaN),
      stream,
      bytes: async () => new Uint8Array(await new Response(stream).arrayBuffer()),
      text: async () => await new Response(stream).text()
    }
  }

  /** The document system has it: hidden from later inbox pages. Idempotent. */
  async ack (id: string): Promise<AckResult> {
    return await this.#http.json<AckResult>('POST', `/v1/inbox/${encodeURIComponent(id)}/ack`)
  }

  /** Send a national status code (e.g. `01` received, `06` completed) back to the document's sender. */
  async status (id: string, code: string, note?: string): Promise<{ id: string }> {
    return await this.#http.json<{ id: string }>('POST', `/v1/inbox/${encodeURIComponent(id)}/status`, { json: { code, ...(note === undefined ? {} : { note }) } })
  }

  /**
   * Follow the inbox as server-sent events: every entry after `after` (from the start when
   * absent), then new ones as they arrive. Reconnects with backoff, resuming after the last entry
   * seen (Last-Event-ID); ends when `signal` aborts or the loop breaks. Refusals (401, 403, 404)
   * are thrown, not retried.
   */
  stream (options: StreamOptions = {}): AsyncGenerator<InboxEntry> {
    return followInbox(this.#http, options)
  }

  /** Health: membership, registry freshness, links, queue depths. */
  async health (): Promise<NodeHealth> {
    return await this.#http.json<NodeHealth>('GET', '/v1/health')
  }

  /** The organisations in this node's registry (`q`: code or name, accent-insensitive). */
  async registryOrgs (options: { q?: string, status?: 'active' | 'retired' } = {}): Promise<{ count: number, orgs: Org[] }> {
    return await this.#http.json('GET', '/v1/registry/orgs', { query: { q: options.q, status: options.status } })
  }

  /** One organisation and where documents addressed to it go. */
  async registryOrg (code: string): Promise<OrgLookup> {
    return await this.#http.json<OrgLookup>('GET', `/v1/registry/orgs/${encodeURIComponent(code)}`)
  }

  /** The nodes in this node's registry (contacts left out). */
  async registryNodes (options: { state?: NodeState } = {}): Promise<{ count: number, nodes: RegistryNode[] }> {
    return await this.#http.json('GET', '/v1/registry/nodes', { query: { state: options.state } })
  }
}
