import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { HttpError, HttpErrorCode } from '@lienthong/http'
import type { RegistryReplica } from '@lienthong/protocol'
import { entryJson, type AppliedEntry } from '@lienthong/registry'

/**
 * `GET /v1/registry/changes` (public): the registry's changes in real time as server-sent events
 * (event `entry`, id = seq; resumable with Last-Event-ID or ?since=SEQ). Connected units,
 * identifier codes and services are published as they change.
 */
export function changeRoutes (replica: RegistryReplica): Hono {
  const app = new Hono()
  app.get('/changes', (ctx) => {
    // A malformed position is refused before the stream starts (architecture §7), never guessed.
    const header = ctx.req.header('last-event-id')
    const query = ctx.req.query('since')
    const raw = header ?? (query === '' ? undefined : query)
    if (raw !== undefined && !/^(-1|[0-9]{1,15})$/.test(raw)) {
      const field = header === undefined ? 'since' : 'last-event-id'
      throw new HttpError(400, HttpErrorCode.BAD_QUERY, `${field} must be a registry seq (-1 or more)`, { field })
    }
    const start = raw === undefined ? replica.seq : Number(raw)
    return streamSSE(ctx, async (stream) => {
      let sent = start
      let wake: (() => void) | undefined
      const off = replica.on('applied', () => { wake?.() })
      stream.onAbort(() => { off(); wake?.() })
      try {
        while (!stream.aborted) {
          while (sent < replica.seq && !stream.aborted) {
            const entry: AppliedEntry | undefined = replica.entry(sent + 1)
            if (entry === undefined) break
            await stream.writeSSE({ id: String(entry.seq), event: 'entry', data: JSON.stringify(entryJson(entry)) })
            sent = entry.seq
          }
          // Wait for the next change, with a keep-alive comment every 25 s for proxies.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 25_000)
            wake = () => { clearTimeout(timer); resolve() }
          })
          wake = undefined
          if (sent >= replica.seq && !stream.aborted) await stream.write(': keep-alive\n\n')
        }
      } finally {
        off()
      }
    })
  })
  return app
}
