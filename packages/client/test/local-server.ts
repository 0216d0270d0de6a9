import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ExecutionContext } from 'ava'

/** A request as the local server saw it, body read whole. */
export interface SeenRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port, answering with `handler`; closed in
 * t.teardown (open streams are cut). Records every request.
 */
export async function localServer (t: ExecutionContext, handler: Handler): Promise<{ url: string, seen: SeenRequest[] }> {
  const seen: SeenRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const request: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) }
      seen.push(request)
      Promise.resolve(handler(request, res)).catch((err: unknown) => { res.destroy(err as Error) })
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve() }) }))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

/** Answer a JSON body with a status. */
export function json (res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type })
  res.end(JSON.stringify(body))
}
