import type { KeyedLock } from './keyed-lock.js'

/**
 * Run `fn` holding the lock of every key of `keys` (distinct). Every lock is asked for at once,
 * so each is queued in call order behind the earlier runs of its key: two callers wanting
 * overlapping keys are served in call order on each key, and cannot wait for each other.
 */
export async function runLockedAll<T> (locks: KeyedLock, keys: readonly string[], fn: () => Promise<T>): Promise<T> {
  if (keys.length === 1) return await locks.run(keys[0] as string, fn)
  const released = Promise.withResolvers<void>()
  const held = keys.map(async key => {
    const granted = Promise.withResolvers<void>()
    void locks.run(key, async () => {
      granted.resolve()
      await released.promise
    })
    await granted.promise
  })
  try {
    await Promise.all(held)
    return await fn()
  } finally {
    released.resolve()
  }
}
