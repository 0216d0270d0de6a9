/** Runs async tasks one at a time, in call order: a store's check-then-write stays atomic. */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve()

  /** Run `task` after every task queued before it; its result or error is the caller's. */
  async run<T> (task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task)
    // The chain itself never rejects: each caller sees its own task's failure.
    this.#tail = result.catch(() => undefined)
    return await result
  }
}
