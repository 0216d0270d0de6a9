import { ClientError, ClientErrorCode, errorFromResponse } from './errors.js'

/** A `fetch` implementation (the global one by default; tests may pass their own). */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>

/** Query parameters; arrays repeat the key; undefined values are left out. */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>

/** What both clients are built from. */
export interface TransportInit {
  /** Base URL of the API, e.g. `http://127.0.0.1:7500` (a trailing slash is ignored). */
  baseUrl: string
  /** Bearer token; absent for the coordinator's public routes. */
  token?: string
  fetch?: FetchFn
}

export interface RequestOptions {
  query?: Query
  /** A JSON body (sent as application/json). */
  json?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** Build `path?query` with every value URL-encoded. */
export function withQuery (path: string, query: Query | undefined): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v)
    else params.append(key, String(value))
  }
  const text = params.toString()
  return text === '' ? path : `${path}?${text}`
}

/** HTTP plumbing shared by NodeClient and CoordinatorClient: auth, errors as ClientError. */
export class Transport {
  readonly baseUrl: string
  readonly #token: string | undefined
  readonly #fetch: FetchFn

  constructor (init: TransportInit) {
    if (typeof init.baseUrl !== 'string' || !/^https?:\/\//.test(init.baseUrl)) throw new TypeError('baseUrl must be an http(s) URL')
    if (init.token !== undefined && typeof init.token !== 'string') throw new TypeError('token must be a string')
    this.baseUrl = init.baseUrl.replace(/\/+$/, '')
    this.#token = init.token
    this.#fetch = init.fetch ?? ((input, requestInit) => fetch(input, requestInit))
  }

  /** Send a request; resolves to the response whatever its status, rejects only when no answer came. */
  async send (method: string, path: string, init: RequestInit & { query?: Query } = {}): Promise<Response> {
    const { query, headers, ...rest } = init
    const url = this.baseUrl + withQuery(path, query)
    const all: Record<string, string> = { ...(headers as Record<string, string> | undefined) }
    if (this.#token !== undefined) all.authorization = `Bearer ${this.#token}`
    try {
      return await this.#fetch(url, { ...rest, method, headers: all })
    } catch (err) {
      if (init.signal?.aborted === true) {
        throw new ClientError(ClientErrorCode.ABORTED, `${method} ${path} aborted`, { status: 0, method, path }, { cause: err })
      }
      const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
      throw new ClientError(ClientErrorCode.NETWORK, `cannot reach ${this.baseUrl}: ${reason}`, { status: 0, method, path }, { cause: err })
    }
  }

  /** Send and insist on a 2xx answer (else the server's problem as a ClientError). */
  async ok (method: string, path: string, init: RequestInit & { query?: Query } = {}): Promise<Response> {
    const res = await this.send(method, path, init)
    if (res.status >= 200 && res.status < 300) return res
    throw await errorFromResponse(res, method, path)
  }

  /** A JSON request answered by a 2xx JSON body. */
  async json<T> (method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
    const init: RequestInit & { query?: Query } = { headers }
    if (options.query !== undefined) init.query = options.query
    if (options.signal !== undefined) init.signal = options.signal
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(options.json)
    }
    const res = await this.ok(method, path, init)
    const text = await res.text()
    try {
      return JSON.parse(text) as T
    } catch {
      throw new ClientError(ClientErrorCode.BAD_RESPONSE, `${method} ${path} answered ${res.status} with a body that is not JSON`, { status: res.status, method, path })
    }
  }
}
