import { ClientError, ClientErrorCode } from './errors.js'
import type { InboxEntry } from './node-types.js'
import { readSse, SseParser } from './sse.js'
import type { Transport } from './transport.js'

/** Options of `NodeClient.stream`. */
export interface StreamOptions {
  /** Start after this cursor (an entry's `cursor`); from the first entry when absent. */
  after?: string
  /** Stops the stream (the iteration then ends without an error). */
  signal?: AbortSignal
  /** First reconnection delay (default 500 ms), doubled after each failure (±20 % jitter) up to `maxRetryMs`. */
  initialRetryMs?: number
  /** Longest delay between reconnections (default 30 s). */
  maxRetryMs?: number
  /** Told about each dropped connection before the client reconnects (e.g. to log it). */
  onDisconnect?: (info: { error?: ClientError, retryInMs: number, attempt: number }) => void
}

/** Statuses that will not change by retrying: the request itself is refused. */
const FATAL = new Set([400, 401, 403, 404, 405, 415])

function sleep (ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return }
    const done = (): void => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve() }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

function asClientError (err: unknown): ClientError {
  if (err instanceof ClientError) return err
  return new ClientError(ClientErrorCode.NETWORK, `the inbox stream broke: ${(err as Error).message}`, { status: 0, method: 'GET', path: '/v1/inbox/stream' }, { cause: err })
}

/** The reconnecting, resuming SSE reader behind `NodeClient.stream`. */
export async function * followInbox (http: Transport, options: StreamOptions): AsyncGenerator<InboxEntry> {
  const local = new AbortController()
  const outer = options.signal
  const onAbort = (): void => { local.abort() }
  if (outer?.aborted === true) return
  outer?.addEventListener('abort', onAbort, { once: true })
  const initial = options.initialRetryMs ?? 500
  const max = options.maxRetryMs ?? 30_000
  let cursor = options.after
  let attempt = 0
  try {
    while (!local.signal.aborted) {
      let failure: ClientError | undefined
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' }
        if (cursor !== undefined && cursor !== '') headers['last-event-id'] = cursor
        const res = await http.ok('GET', '/v1/inbox/stream', { headers, signal: local.signal })
        if (res.body === null) throw new ClientError(ClientErrorCode.BAD_RESPONSE, 'the inbox stream has no body', { status: res.status, method: 'GET', path: '/v1/inbox/stream' })
        const parser = new SseParser()
        for await (const event of readSse(res.body, parser)) {
          if (event.event !== 'document') continue
          let entry: InboxEntry
          try {
            entry = JSON.parse(event.data) as InboxEntry
          } catch (err) {
            throw new ClientError(ClientErrorCode.BAD_RESPONSE, 'an inbox event is not JSON', { status: res.status, method: 'GET', path: '/v1/inbox/stream' }, { cause: err })
          }
          attempt = 0
          cursor = event.id !== '' ? event.id : entry.cursor
          yield entry
        }
      } catch (err) {
        if (local.signal.aborted) return
        const error = asClientError(err)
        if (FATAL.has(error.status) || error.code === ClientErrorCode.BAD_RESPONSE) throw error
        failure = error
      }
      // The server closed the stream or the connection broke: come back after the last entry seen.
      attempt++
      const base = Math.min(max, initial * 2 ** Math.min(attempt - 1, 30))
      const retryInMs = Math.round(base * (0.8 + Math.random() * 0.4))
      options.onDisconnect?.({ ...(failure === undefined ? {} : { error: failure }), retryInMs, attempt })
      await sleep(retryInMs, local.signal)
    }
  } finally {
    outer?.removeEventListener('abort', onAbort)
    // Closes the HTTP connection when the caller breaks out of the loop.
    local.abort()
  }
}
