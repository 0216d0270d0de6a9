import type { Stream } from '@libp2p/interface'

/** Wakes async waiters whose condition may have changed (single-threaded: no lost wake-ups). */
export class Waiters {
  private readonly pending = new Set<() => void>()

  /** Wake every waiter so that it re-checks its condition. */
  wake (): void {
    for (const wake of [...this.pending]) wake()
  }

  /** Resolve once `ready()` holds; reject with the signal's reason if it fires first. */
  async until (ready: () => boolean, signal?: AbortSignal): Promise<void> {
    while (!ready()) {
      signal?.throwIfAborted()
      const { promise, resolve, reject } = Promise.withResolvers<void>()
      const onAbort = (): void => { reject(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.add(resolve)
      try {
        await promise
      } finally {
        this.pending.delete(resolve)
        signal?.removeEventListener('abort', onAbort)
      }
    }
  }
}

/**
 * Fires `onIdle` when work is outstanding and nothing progressed for `idleMs`. One timer, re-armed
 * lazily: progress only records a timestamp.
 */
export class IdleTimer {
  private timer: NodeJS.Timeout | undefined
  private last = 0

  constructor (private readonly idleMs: number, private readonly onIdle: () => void) {}

  /** Work is outstanding: start counting (from now, if not already counting). */
  arm (): void {
    if (this.timer !== undefined) return
    this.last = Date.now()
    this.schedule(this.idleMs)
  }

  /** Something moved forward. */
  progress (): void {
    this.last = Date.now()
  }

  /** No work outstanding. */
  disarm (): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private schedule (delay: number): void {
    this.timer = setTimeout(() => {
      const idle = Date.now() - this.last
      if (idle >= this.idleMs) {
        this.timer = undefined
        this.onIdle()
      } else {
        this.schedule(this.idleMs - idle)
      }
    }, delay)
  }
}

/**
 * Wait until a stream that refused a `send()` can take more. Not `stream.onDrain()`: in
 * @libp2p/utils 7.4.1 its promise is never reset once resolved, so after the first drain every
 * later call resolves at once and the write buffer grows without bound (measured: 16 MiB queued
 * behind a paused receiver). Rejects when the stream closes or `signal` fires.
 */
export async function waitForDrain (stream: Stream, signal: AbortSignal): Promise<void> {
  if (!stream.writableNeedsDrain) return
  signal.throwIfAborted()
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  const onDrain = (): void => { resolve() }
  const onClose = (evt: Event): void => { reject((evt as Event & { error?: Error }).error ?? new Error('stream closed')) }
  const onAbort = (): void => { reject(signal.reason) }
  stream.addEventListener('drain', onDrain)
  stream.addEventListener('close', onClose)
  signal.addEventListener('abort', onAbort)
  try {
    await promise
  } finally {
    stream.removeEventListener('drain', onDrain)
    stream.removeEventListener('close', onClose)
    signal.removeEventListener('abort', onAbort)
  }
}
