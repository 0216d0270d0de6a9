import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
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
    const from = Number(ctx.req.header('last-event-id') ?? ctx.req.query('since') ?? replica.seq)
    const start = Number.isSafeInteger(from) && from >= -1 ? from : replica.seq
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
