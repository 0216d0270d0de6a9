import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** One measured throughput, always next to the baseline measured in the same run. */
export interface Throughput {
  perSec: number
  baselinePerSec: number
  /** perSec / baselinePerSec: comparable across runs on a noisy, shared machine. */
  ratioToBaseline: number
}

/**
 * Run `fn` repeatedly for about `ms` milliseconds (after a short warm-up) and return calls/s.
 * Bounded: at most `maxCalls` calls whatever the speed.
 */
export function rate (fn: () => unknown, ms = 1000, maxCalls = 10_000_000): number {
  const warmUntil = performance.now() + Math.min(200, ms / 5)
  while (performance.now() < warmUntil) fn()
  let calls = 0
  const start = performance.now()
  let now = start
  while (now - start < ms && calls < maxCalls) {
    for (let i = 0; i < 16; i++) fn()
    calls += 16
    now = performance.now()
  }
  return calls / ((now - start) / 1000)
}

/** The same for an async function, one call at a time. */
export async function rateAsync (fn: () => Promise<unknown>, ms = 1000, maxCalls = 1_000_000): Promise<number> {
  let calls = 0
  const start = performance.now()
  let now = start
  while (now - start < ms && calls < maxCalls) {
    await fn()
    calls++
    now = performance.now()
  }
  return calls / ((now - start) / 1000)
}

const BASELINE_INPUT = new Uint8Array(1024).fill(7)

/**
 * The reference every suite reports against: SHA-256 of 1 KiB per second on one core, measured
 * in the same run. It moves with the machine's speed and load, so ratios stay comparable.
 */
export function measureBaseline (ms = 1000): number {
  return rate(() => createHash('sha256').update(BASELINE_INPUT).digest(), ms)
}

export function withBaseline (perSec: number, baselinePerSec: number): Throughput {
  return { perSec: round(perSec), baselinePerSec: round(baselinePerSec), ratioToBaseline: round(perSec / baselinePerSec, 4) }
}

export function round (n: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** What every suite module exports. */
export interface BenchSuite {
  run: (args: string[]) => Promise<Record<string, unknown>>
}

/** CPU time of this process so far, all threads, user + system, in µs. */
export function cpuUs (): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

/** CPU time of this process's main thread so far in µs (Linux: /proc, in ticks of 1/100 s), or -1 elsewhere. */
export function mainThreadCpuUs (): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15 of stat(5))
    return Number.isFinite(ticks) ? ticks * 10_000 : -1
  } catch {
    return -1
  }
}
