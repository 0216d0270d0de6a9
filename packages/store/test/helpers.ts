import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ExecutionContext } from 'ava'

/** A fresh temp folder, removed when the test ends. */
export async function tempDir (t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-store-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** Deterministic entry bytes for a seq, and their sha-256. */
export function entryFor (seq: number): { seq: number, hash: Uint8Array, bytes: Uint8Array } {
  const bytes = new Uint8Array(Buffer.from(`entry ${seq} `.repeat(1 + (seq % 7)), 'utf8'))
  return { seq, hash: new Uint8Array(createHash('sha256').update(bytes).digest()), bytes }
}

/** Consecutive entries from `from`, `count` of them. */
export function entriesFrom (from: number, count: number): Array<{ seq: number, hash: Uint8Array, bytes: Uint8Array }> {
  return Array.from({ length: count }, (_, i) => entryFor(from + i))
}

/** A Node child running test/fixtures/child.js, its stdout split into lines. */
export interface Child {
  proc: ChildProcessWithoutNullStreams
  lines: string[]
  /** Resolves with the first line (seen so far or later) matching; rejects on exit or timeout. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** Spawn the fixture child with `args`; it is killed at teardown if still running. */
export function spawnChild (t: ExecutionContext, args: string[]): Child {
  const script = fileURLToPath(new URL('./fixtures/child.js', import.meta.url))
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: string[] = []
  const listeners = new Set<() => void>()
  let stderr = ''
  proc.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => {
    proc.on('exit', (code, signal) => { resolve({ code, signal }) })
  })
  let hasExited = false
  const rl = createInterface({ input: proc.stdout })
  rl.on('line', line => {
    lines.push(line)
    listeners.forEach(l => { l() })
  })
  // 'close' of readline comes after the last line of the child's stdout.
  const stdoutDone = new Promise<void>(resolve => { rl.on('close', resolve) })
  void Promise.all([exited, stdoutDone]).then(() => {
    hasExited = true
    listeners.forEach(l => { l() })
  })
  t.teardown(() => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL') })

  const waitForLine = async (match: (line: string) => boolean, timeoutMs = 20_000): Promise<string> =>
    await new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const found = lines.find(match)
        if (found !== undefined) done(() => { resolve(found) })
        else if (hasExited) done(() => { reject(new Error(`child exited without the expected line; stderr: ${stderr}`)) })
      }
      const timer = setTimeout(() => { done(() => { reject(new Error('timed out waiting for the child')) }) }, timeoutMs)
      const done = (settle: () => void): void => {
        clearTimeout(timer)
        listeners.delete(check)
        settle()
      }
      listeners.add(check)
      check()
    })
  return {
    proc,
    lines,
    waitForLine,
    exited: Promise.all([exited, stdoutDone]).then(([e]) => e)
  }
}
