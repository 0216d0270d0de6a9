import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ExecutionContext } from 'ava'

/** coordinator/bin/lienthong-coordinator.js, from dist/test/ */
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'lienthong-coordinator.js')
/** The repository root, from coordinator/dist/test/ */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export async function tempDir (t: ExecutionContext, prefix = 'lienthong-coord-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export interface RunResult { code: number, stdout: string, stderr: string }

/** Run the CLI as a user would, in a real process (bounded by a timeout). */
export function runCli (args: string[], timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: timeoutMs, cwd: ROOT }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
  })
}
