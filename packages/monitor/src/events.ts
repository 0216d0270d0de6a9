import type { Logger } from '@lienthong/errors'

/** A listener of one event type. */
export type Listener<T> = (event: T) => void

/**
 * A small typed listener list. Listeners run synchronously in the order they were added; one
 * that throws is logged and does not stop the others (nor the monitor).
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>()

  constructor (private readonly log: Logger) {}

  /** Add a listener; returns the function that removes it. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    let set = this.#listeners.get(type)
    if (set === undefined) this.#listeners.set(type, set = new Set())
    set.add(listener)
    return () => { set.delete(listener) }
  }

  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const listener of [...this.#listeners.get(type) ?? []]) {
      try {
        (listener as Listener<Events[K]>)(event)
      } catch (err) {
        this.log.error({ event: String(type), err: err instanceof Error ? err.name : typeof err }, 'monitor event listener threw')
      }
    }
  }
}
