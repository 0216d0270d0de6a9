import type { InboxItem } from './inbox-codec.js'

/** What an accepted id resolves to: whether it was stored before, its seq and its receipt. */
export interface Original {
  existed: boolean
  seq: number
  receipt: Uint8Array
}

/**
 * The accepts of one call that write: settled together by the dedupe lookup or the group commit,
 * and awaited as one promise (not one per item: this runs once per received envelope).
 */
export class Group {
  readonly done: Promise<void>
  #left: number
  #resolve!: () => void

  constructor (size: number) {
    this.#left = size
    this.done = new Promise<void>(resolve => { this.#resolve = resolve })
  }

  settled (): void {
    if (--this.#left === 0) this.#resolve()
  }
}

/** One id in flight: the item whose accept writes it, and how that ended. */
export class Slot {
  original: Original | undefined
  failure: { err: unknown } | undefined
  #waiters: Array<() => void> | undefined

  constructor (readonly item: InboxItem, private readonly group: Group) {}

  get settled (): boolean { return this.original !== undefined || this.failure !== undefined }

  /** Resolves (never rejects) once settled. */
  async wait (): Promise<void> {
    if (this.settled) return
    await new Promise<void>(resolve => { (this.#waiters ??= []).push(resolve) })
  }

  resolve (original: Original): void {
    if (this.settled) return
    this.original = original
    this.#done()
  }

  reject (err: unknown): void {
    if (this.settled) return
    this.failure = { err }
    this.#done()
  }

  #done (): void {
    this.group.settled()
    this.#waiters?.forEach(wake => { wake() })
  }
}
