/** A small HTTP client for the node and coordinator APIs, as a document system would use them. */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number
  headers: Headers
  body: T
}

export interface ApiClient {
  get: <T = Record<string, unknown>>(path: string) => Promise<ApiResponse<T>>
  post: <T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse<T>>
  raw: (path: string, init?: RequestInit) => Promise<Response>
}

export function apiClient (baseUrl: string, token?: string): ApiClient {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
  const parse = async <T>(res: Response): Promise<ApiResponse<T>> => {
    const text = await res.text()
    let body: unknown = text
    try { body = text === '' ? {} : JSON.parse(text) } catch { /* not JSON: keep the text */ }
    return { status: res.status, headers: res.headers, body: body as T }
  }
  return {
    get: async (path) => await parse(await fetch(baseUrl + path, { headers: auth })),
    post: async (path, body, headers = {}) => {
      const isBytes = body instanceof Uint8Array
      const isText = typeof body === 'string'
      const res = await fetch(baseUrl + path, {
        method: 'POST',
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: isBytes ? body : isText ? body : JSON.stringify(body) })
      })
      return await parse(res)
    },
    raw: async (path, init = {}) => await fetch(baseUrl + path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } })
  }
}
