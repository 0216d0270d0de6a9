/**
 * `<dir>/devnet.json`: the ports chosen at first init, so the URLs printed stay valid from one
 * run to the next, and `<dir>/run.json`: the pids of a running devnet (removed on a clean stop).
 */
import { createServer } from 'node:net'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isAlive } from './processes.js'

/** HTTP and libp2p addresses of one process. */
export interface Ports {
  /** HOST:PORT for --http. */
  http: string
  /** Multiaddr for --listen. */
  listen: string
}

export interface DevnetState {
  version: 1
  /** `fixed`: ports chosen once and kept; `ephemeral`: port 0, read from each process at start. */
  ports: 'fixed' | 'ephemeral'
  createdAt: string
  coordinator: Ports
  /** By unit name. */
  nodes: Record<string, Ports & { org: string }>
}

const EPHEMERAL: Ports = { http: '127.0.0.1:0', listen: '/ip4/127.0.0.1/tcp/0' }

/** Can we bind this port on 127.0.0.1 now? (0: let the OS choose and return what it gave.) */
function tryPort (port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(undefined) })
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port
      server.close(() => { resolve(bound) })
    })
  })
}

/** Allocates ports: `preferred` when free (and not taken in this devnet), else any free one. */
export class PortAllocator {
  readonly #taken = new Set<number>()

  constructor (state?: DevnetState) {
    if (state === undefined) return
    for (const p of [state.coordinator, ...Object.values(state.nodes)]) {
      this.#taken.add(Number(p.http.split(':').at(-1)))
      this.#taken.add(Number(p.listen.split('/').at(-1)))
    }
  }

  async port (preferred: number): Promise<number> {
    if (preferred > 0 && !this.#taken.has(preferred) && await tryPort(preferred) === preferred) {
      this.#taken.add(preferred)
      return preferred
    }
    for (let i = 0; i < 20; i++) {
      const port = await tryPort(0)
      if (port !== undefined && !this.#taken.has(port)) {
        this.#taken.add(port)
        return port
      }
    }
    throw new Error('no free port on 127.0.0.1')
  }

  /** HTTP on `preferredHttp`, libp2p on `preferredP2p` (0: any free port). */
  async ports (mode: DevnetState['ports'], preferredHttp: number, preferredP2p: number): Promise<Ports> {
    if (mode === 'ephemeral') return EPHEMERAL
    return { http: `127.0.0.1:${await this.port(preferredHttp)}`, listen: `/ip4/127.0.0.1/tcp/${await this.port(preferredP2p)}` }
  }
}

export function statePath (dir: string): string {
  return join(dir, 'devnet.json')
}

export async function readState (dir: string): Promise<DevnetState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(dir), 'utf8')) as DevnetState
  } catch {
    return undefined
  }
}

export async function writeState (dir: string, state: DevnetState): Promise<void> {
  await writeFile(statePath(dir), JSON.stringify(state, null, 2) + '\n')
}

/** What a running devnet records about itself. */
export interface RunRecord {
  pid: number
  startedAt: string
  children: Array<{ name: string, pid: number }>
}

export async function writeRun (dir: string, run: RunRecord): Promise<void> {
  await writeFile(join(dir, 'run.json'), JSON.stringify(run, null, 2) + '\n')
}

export async function removeRun (dir: string): Promise<void> {
  await rm(join(dir, 'run.json'), { force: true })
}

async function cmdline (pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ')
}

/**
 * Refuse to start twice on the same folder; clean up after a devnet that was killed hard
 * (SIGKILL leaves its children running): those still alive whose command line names this folder
 * get a SIGTERM. Returns the pids stopped that way.
 */
export async function checkPreviousRun (dir: string): Promise<number[]> {
  let run: RunRecord
  try {
    run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunRecord
  } catch {
    return []
  }
  if (run.pid !== process.pid && isAlive(run.pid) && (await cmdline(run.pid)).includes('devnet')) {
    throw new Error(`a devnet is already running on ${dir} (pid ${run.pid}); stop it first (Ctrl-C in its terminal, or kill ${run.pid})`)
  }
  const stopped: number[] = []
  for (const child of run.children) {
    if (isAlive(child.pid) && (await cmdline(child.pid)).includes(dir)) {
      process.kill(child.pid, 'SIGTERM')
      stopped.push(child.pid)
    }
  }
  const deadline = Date.now() + 10_000
  while (stopped.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => { setTimeout(resolve, 100) })
  for (const pid of stopped.filter(isAlive)) process.kill(pid, 'SIGKILL')
  await removeRun(dir)
  return stopped
}
