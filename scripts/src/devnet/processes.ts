/**
 * The devnet's child processes: the real CLIs (`lienthong-coordinator`, `lienthong-node`), each
 * in its own process group (so a terminal's Ctrl-C reaches only the devnet, which stops them in
 * order with one SIGTERM each), output appended to a log file, readiness read from stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** Where the two CLIs are: resolved from the workspace packages, never by a path guess. */
export interface Bins {
  node: string
  coordinator: string
}

async function packageRoot (name: string): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)))
  for (;;) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string }
      if (pkg.name === name) return dir
    } catch { /* no package.json here: go up */ }
    const up = dirname(dir)
    if (up === dir) throw new Error(`cannot find the package root of ${name}`)
    dir = up
  }
}

export async function findBins (): Promise<Bins> {
  return {
    node: join(await packageRoot('@lienthong/node'), 'bin', 'lienthong-node.js'),
    coordinator: join(await packageRoot('@lienthong/coordinator'), 'bin', 'lienthong-coordinator.js')
  }
}

/** A CLI run to completion (init, join): its exit code and output. */
export async function runCli (bin: string, args: string[], log: string): Promise<{ code: number, stdout: string, stderr: string }> {
  await mkdir(dirname(log), { recursive: true })
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (c) => { resolve(c ?? 1) })
  })
  const file = createWriteStream(log, { flags: 'a' })
  file.end(`$ ${[bin, ...args].join(' ')}\n${stdout}${stderr}`)
  return { code, stdout, stderr }
}

/** Run a CLI and insist on exit code 0 (else throw its one-line reason). */
export async function mustRun (bin: string, args: string[], log: string): Promise<string> {
  const { code, stdout, stderr } = await runCli(bin, args, log)
  if (code !== 0) {
    // The CLIs print a one-line reason; a crash prints a stack, whose line naming the error says most.
    const lines = stderr.trim().split('\n').filter((l) => l !== '' && !l.startsWith('{'))
    const reason = lines.find((l) => /^\w*(Error|Exception)\b/.test(l)) ?? lines.at(-1) ?? `exit code ${code}`
    throw new Error(`${args[0] ?? 'command'} failed: ${reason} (see ${log})`)
  }
  return stdout
}

/** A long-running CLI (`start`). */
export interface Service {
  name: string
  pid: number
  log: string
  /** Resolves with the HTTP URL the process prints once it is up. */
  ready: Promise<string>
  /** Resolves when the process has exited (code or signal). */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** SIGTERM, then SIGKILL if still alive after `graceMs`. */
  stop: (graceMs?: number) => Promise<void>
}

const HTTP_LINE = /^\s+HTTP\s+(https?:\/\/\S+)/

/** Start a CLI `start` command; `ready` fails if it exits or prints no URL within `timeoutMs`. */
export async function startService (name: string, bin: string, args: string[], log: string, timeoutMs = 60_000): Promise<Service> {
  await mkdir(dirname(log), { recursive: true })
  const file = createWriteStream(log, { flags: 'a' })
  // The flags of the systemd units (blob streams collect their garbage; a larger young generation).
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=32', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  if (child.pid === undefined) throw new Error(`${name}: could not start ${bin}`)
  const pid = child.pid
  child.stderr?.pipe(file, { end: false })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal }) })
  })
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${name} printed no HTTP address within ${timeoutMs} ms (see ${log})`)) }, timeoutMs)
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      file.write(line + '\n')
      const match = HTTP_LINE.exec(line)
      if (match?.[1] !== undefined) { clearTimeout(timer); resolve(match[1]) }
    })
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was ready (see ${log})`))
    })
  })
  ready.catch(() => { /* the caller awaits it; avoid an unhandled rejection when it does not */ })
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => { child.kill('SIGKILL') }, graceMs)
    await exited
    clearTimeout(timer)
    file.end()
  }
  return { name, pid, log, ready, exited, stop }
}

/** Resident memory of a process in KiB (VmRSS from /proc), or undefined when unavailable. */
export async function rssKiB (pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+([0-9]+) kB/m.exec(status)
    return match?.[1] === undefined ? undefined : Number(match[1])
  } catch {
    return undefined
  }
}

/** True when a process with this pid exists (signal 0 probe). */
export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The services of one devnet, stopped in reverse: nodes together, then the coordinator (the
 * first one added). `onChange` is told the pids whenever one is added (for run.json).
 */
export class ProcessSet {
  readonly services: Service[] = []
  readonly #onChange: ((services: readonly Service[]) => Promise<void>) | undefined
  #stopping: Promise<void> | undefined

  constructor (onChange?: (services: readonly Service[]) => Promise<void>) {
    this.#onChange = onChange
  }

  async add (service: Service): Promise<Service> {
    if (this.#stopping !== undefined) {
      await service.stop()
      throw new Error('the devnet is stopping')
    }
    this.services.push(service)
    await this.#onChange?.(this.services)
    return service
  }

  /** Last resort when this process exits without stopping them (sync: fit for process.on('exit')). */
  killAllSync (): void {
    for (const s of this.services) {
      try { process.kill(s.pid, 'SIGTERM') } catch { /* already gone */ }
    }
  }

  /** Stop every service (idempotent; concurrent calls share one stop). `report` gets each stop time. */
  async stopAll (graceMs = 10_000, report?: (name: string, ms: number) => void): Promise<void> {
    const timed = async (s: Service): Promise<void> => {
      const t0 = Date.now()
      await s.stop(graceMs)
      report?.(s.name, Date.now() - t0)
    }
    this.#stopping ??= (async () => {
      const [first, ...rest] = this.services
      await Promise.all(rest.map(timed))
      if (first !== undefined) await timed(first)
    })()
    await this.#stopping
  }
}

/** The most telling line at the end of a log: the last error or fatal message, else the last line. */
export async function lastErrorLine (log: string): Promise<string> {
  const text = await readFile(log, 'utf8').catch(() => '')
  const lines = text.trim().split('\n').slice(-60)
  const plain = lines.filter((l) => /Error\b|error:|\[[a-z-]+\]$/.test(l) && !l.startsWith('{') && !l.startsWith('    at '))
  const json = lines.filter((l) => /"level":(50|60)/.test(l)).map((l) => {
    try { return (JSON.parse(l) as { msg?: string }).msg ?? l } catch { return l }
  })
  return plain.at(-1)?.trim() ?? json.at(-1) ?? lines.at(-1) ?? '(empty log)'
}
