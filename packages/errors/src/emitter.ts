import type { Logger } from './logger.js'

/** A listener of one event type. */
export type Listener<T> = (event: T) => void

/**
 * A small typed listener list (the registry replica's and the connection monitor's events).
 * Listeners run synchronously in the order they were added; one that throws is logged (its error
 * name only) and does not stop the others, nor the operation that emitted.
 *
 * @example
 * ```ts
 * const events = new Emitter<{ applied: { seq: number } }>(log, 'registry')
 * const off = events.on('applied', e => { console.log(e.seq) })
 * events.emit('applied', { seq: 3 })
 * off()
 * ```
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>()

  /** `source` names the emitter in the log line of a listener that throws. */
  constructor (private readonly log: Logger, private readonly source: string) {}

  /** Add a listener; returns the function that removes it. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    let set = this.#listeners.get(type)
    if (set === undefined) this.#listeners.set(type, set = new Set())
    set.add(listener)
    return () => { set.delete(listener) }
  }

  /** Call every listener of `type` with `event`. */
  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const listener of [...this.#listeners.get(type) ?? []]) {
      try {
        (listener as Listener<Events[K]>)(event)
      } catch (err) {
        this.log.error({ event: String(type), err: err instanceof Error ? err.name : typeof err }, `${this.source} event listener threw`)
      }
    }
  }
}
