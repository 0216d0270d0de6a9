/**
 * Per-key mutual exclusion inside one process: `run(key, fn)` calls run one at a
 * time per key, in call order; different keys run concurrently. Only one process
 * opens a data folder (LevelDB's lock), so this is enough to serialise
 * read-check-write sequences on one record.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>()

  /** Run `fn` once every earlier `run` with the same key has settled. */
  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key)
    let release!: () => void
    const mine = new Promise<void>(resolve => { release = resolve })
    // previous never rejects: tails only ever resolve
    const tail = previous === undefined ? mine : previous.then(async () => { await mine })
    this.#tails.set(key, tail)
    try {
      if (previous !== undefined) await previous
      return await fn()
    } finally {
      release()
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }

  /** Keys with a run in progress or waiting (for tests and leak checks). */
  get size (): number {
    return this.#tails.size
  }
}
