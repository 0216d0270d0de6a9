import { getManyIn, type Namespace } from './database.js'

interface Pending {
  key: Uint8Array
  resolve: (value: Uint8Array | undefined) => void
  reject: (err: unknown) => void
}

/**
 * Point reads of one namespace, coalesced: the `get`s and `has`s asked in the same turn of the
 * event loop go to LevelDB as one `getMany`. Each native read call costs the main thread a
 * snapshot (or, for `has`, an iterator) plus a thread-pool hop, and waits for LevelDB's lock while
 * a write holds it; under concurrent load (many submissions, a burst of receipts) one call per
 * turn instead of one per key is most of the saving. A read sees at least every write that
 * completed before it was asked.
 */
export class ReadBatcher {
  #pending: Pending[] = []
  #scheduled = false

  constructor (private readonly namespace: Namespace) {}

  /** The value stored under `key`, or undefined. */
  async get (key: Uint8Array): Promise<Uint8Array | undefined> {
    return await new Promise((resolve, reject) => {
      this.#pending.push({ key, resolve, reject })
      this.#schedule()
    })
  }

  /** Whether a value is stored under `key` (a `get` too: cheaper than LevelDB's iterator-based `has`). */
  async has (key: Uint8Array): Promise<boolean> {
    return (await this.get(key)) !== undefined
  }

  // After the current turn's callbacks: every read they ask for joins this one call.
  #schedule (): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      const pending = this.#pending
      this.#pending = []
      getManyIn(this.namespace, pending.map(p => p.key)).then(values => {
        pending.forEach((p, i) => { p.resolve(values[i]) })
      }, (err: unknown) => {
        for (const p of pending) p.reject(err)
      })
    })
  }
}
