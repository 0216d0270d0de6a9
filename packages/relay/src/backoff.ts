import { RETRY_JITTER } from './constants.js'

/**
 * Delay before the next attempt after `failures` failed attempts (the first retry follows the
 * first failure): `initialMs` doubled per earlier failure, times a random factor in [0.8, 1.2]
 * so that deliveries failed together do not retry together, never more than `maxMs`.
 */
export function retryDelay (failures: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 52))
  const base = Math.min(maxMs, initialMs * 2 ** exponent)
  const factor = 1 - RETRY_JITTER + 2 * RETRY_JITTER * random()
  return Math.max(1, Math.round(Math.min(maxMs, base * factor)))
}
