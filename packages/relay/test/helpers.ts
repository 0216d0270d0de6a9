import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { ExecutionContext } from 'ava'
import type { Logger } from '@lienthong/errors'
import { isLienthongError } from '@lienthong/errors'

export const MiB = 1024 * 1024

/** Resolve `promise` or reject after `ms`: a bound on waiting for an event, not a sleep. */
export async function within<T> (promise: Promise<T>, ms = 10_000, what = 'event'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what}: nothing within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Wait until `check` returns a value other than undefined/false, re-checking after each turn of
 * the event loop's timers phase (a condition wait with a bound, not a fixed sleep).
 */
export async function until<T> (check: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** The `code` of a LienthongError rejection (fails the test for anything else). */
export async function codeOf (t: ExecutionContext, promise: Promise<unknown>): Promise<string> {
  const err = await t.throwsAsync(promise)
  t.true(isLienthongError(err), `expected a LienthongError, got ${String(err)}`)
  return isLienthongError(err) ? err.code : 'not-a-lienthong-error'
}

/** The V8 garbage collector, enabled at run time (no node flag needed). */
export function gcFunction (): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

export const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))

/** A document of `size` bytes: a marker string repeated, so it can be searched for in files. */
export function markedDocument (marker: string, size: number): Uint8Array {
  const out = Buffer.alloc(size)
  out.fill(`${marker} `)
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** The same document produced lazily in `chunk`-byte pieces (never held whole). */
export async function * markedChunks (marker: string, size: number, chunk = 64 * 1024): AsyncGenerator<Uint8Array> {
  const unit = `${marker} `
  for (let offset = 0; offset < size; offset += chunk) {
    const length = Math.min(chunk, size - offset)
    const piece = Buffer.alloc(length)
    // Keep the repetition aligned with the whole document, as markedDocument lays it out.
    piece.fill(unit.slice(offset % unit.length) + unit)
    await Promise.resolve()
    yield new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength)
  }
}

/** SHA-256 (hex) of a byte stream. */
export async function digest (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256')
  for await (const piece of source) hash.update(piece)
  return hash.digest('hex')
}

/** Every file under `dir` whose bytes contain `needle`. */
export async function filesContaining (dir: string, needle: string): Promise<string[]> {
  const found: string[] = []
  const bytes = Buffer.from(needle, 'utf8')
  const walk = async (path: string): Promise<void> => {
    const info = await stat(path)
    if (info.isDirectory()) {
      for (const name of await readdir(path)) await walk(join(path, name))
    } else if ((await readFile(path)).includes(bytes)) {
      found.push(path)
    }
  }
  await walk(dir)
  return found
}

/** Every regular file under `dir`. */
export async function filesUnder (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name))
  }
  return out
}

/** A logged line. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  context: Record<string, unknown>
  message: string
}

/** A logger that keeps what it is told. */
export function memoryLogger (lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at = (level: LogLine['level']) => (context: object, message: string) => { lines.push({ level, context: { ...context }, message }) }
  const logger = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger }
  return logger
}
