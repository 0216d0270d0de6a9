/**
 * The batches a receiver has handed to `handle()` and not yet answered. Answers are written
 * strictly in order; with `max` above 1 the receiver goes on decoding (and checking) the next
 * batch while earlier ones are still being persisted, so one batch's group commit (an fsync)
 * overlaps the next batch's work instead of stalling the stream.
 */
export class AnswerPipeline {
  private pending: Array<Promise<void>> = []
  private tail: Promise<void> = Promise.resolve()
  private failed = false

  /**
   * @param max - batches handed to `handle()` and not yet answered, at most (1: one at a time)
   * @param write - writes one batch's answer frames
   * @param onFailure - a batch failed (its handler threw, or writing failed): nothing after it is written
   */
  constructor (
    private readonly max: number,
    private readonly write: (bytes: Uint8Array) => Promise<void>,
    private readonly onFailure: (err: unknown) => void
  ) {}

  /** Batches not yet answered. */
  get size (): number { return this.pending.length }

  /**
   * Start a batch: `answers()` runs now (the handler, then the answer frames); its frames are
   * written after those of every earlier batch. Resolves once fewer than `max` batches are
   * unanswered, so with `max` 1 only when this one is answered.
   */
  async add (answers: () => Promise<Uint8Array>): Promise<void> {
    const bytes = answers()
    bytes.catch(() => {}) // reported through the write chain, in order
    const done = this.tail.then(async () => { if (!this.failed) await this.write(await bytes) })
    this.tail = done.catch((err: unknown) => {
      if (this.failed) return
      this.failed = true
      this.onFailure(err)
    })
    const settled: Promise<void> = this.tail.then(() => { this.pending = this.pending.filter(p => p !== settled) })
    this.pending.push(settled)
    while (this.pending.length >= this.max && this.pending[0] !== undefined) await this.pending[0]
  }

  /** Wait until every batch started is answered (or the pipeline failed). */
  async drain (): Promise<void> {
    await this.tail
  }
}
