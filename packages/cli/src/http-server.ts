import { serve, type ServerType } from '@hono/node-server'
import { LienthongError } from '@lienthong/errors'

/** A started HTTP server: its URL (with the port actually bound) and how to stop it. */
export interface HttpServer {
  readonly url: string
  readonly port: number
  close: () => Promise<void>
}

/**
 * Split a `HOST:PORT` setting (`127.0.0.1:7500`, `[::1]:0`); a malformed one is `errorCode`
 * (the application's config error) naming the value.
 */
export function splitHostPort (value: string, errorCode: string): [host: string, port: number] {
  const match = /^\[?([^\]]+?)\]?:([0-9]{1,5})$/.exec(value)
  const port = Number(match?.[2])
  if (match?.[1] === undefined || !Number.isInteger(port) || port > 65535) {
    throw new LienthongError(errorCode, `http must be HOST:PORT (got "${value}")`, { http: value })
  }
  return [match[1], port]
}

function listening (server: ServerType): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.once('listening', () => {
      const addr = server.address()
      if (addr === null || typeof addr === 'string') reject(new Error('HTTP server has no TCP address'))
      else resolve(addr.port)
    })
  })
}

/**
 * Serve a fetch handler (a Hono app's `fetch`) on `HOST:PORT` (port 0: any free port); resolves
 * once bound, rejects if the address is taken or malformed (`errorCode`).
 */
export async function serveHttp (fetch: (request: Request) => Response | Promise<Response>, hostPort: string, errorCode: string): Promise<HttpServer> {
  const [hostname, port] = splitHostPort(hostPort, errorCode)
  const server = serve({ fetch, hostname, port })
  const close = (): Promise<void> => new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  let bound: number
  try {
    bound = await listening(server)
  } catch (err) {
    await close()
    throw err
  }
  return { url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}`, port: bound, close }
}
