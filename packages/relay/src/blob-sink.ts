import type { PayloadSink } from '@lienthong/protocol'
import type { BlobInfo, BlobStore, BlobWriteOptions } from '@lienthong/store'

interface Handoff {
  chunk: Uint8Array
  taken: () => void
  failed: (err: unknown) => void
}

/** Bounds how many blobs finish (fsync, rename, owner row) in the background at once. */
export class FinishLimit {
  active = 0
  constructor (readonly max: number) {}
}

/**
 * A detached payload arriving from the wire, streamed into the blob store: each `write` hands
 * one chunk to `BlobStore.write` and resolves when the store has taken it, so a slow disk holds
 * the stream back and at most one chunk waits here. `end` lets the store finish the blob (fsync,
 * publish under its hash, owner row) in the background while the stream goes on with the next
 * envelope, up to `limit.max` at once; `stored()` waits for it, before anything refers to the
 * blob. `abort` makes the store drop its temporary file.
 */
export class BlobSink implements PayloadSink {
  /** The stored blob, once `end` resolved. */
  info: BlobInfo | undefined
  private pending: Handoff | undefined
  private wakeReader: (() => void) | undefined
  private ended = false
  private failure: Error | undefined
  private readonly done: Promise<BlobInfo>

  constructor (blobs: BlobStore, readonly owner: string, options: BlobWriteOptions, private readonly limit: FinishLimit) {
    this.done = blobs.write(this.source(), { ...options, owner })
    // A failed write is reported to the next write / end / abort, never unhandled.
    this.done.catch((err: unknown) => {
      this.failure ??= err instanceof Error ? err : new Error(String(err))
      this.pending?.failed(err)
      this.pending = undefined
    })
  }

  private async * source (): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure
      const next = this.pending
      if (next !== undefined) {
        this.pending = undefined
        next.taken()
        yield next.chunk
        continue
      }
      if (this.ended) return
      await new Promise<void>(resolve => { this.wakeReader = resolve })
      this.wakeReader = undefined
    }
  }

  private wake (): void {
    this.wakeReader?.()
  }

  async write (chunk: Uint8Array): Promise<void> {
    if (this.failure !== undefined) throw this.failure
    await new Promise<void>((resolve, reject) => {
      this.pending = { chunk, taken: resolve, failed: reject }
      this.wake()
    })
  }

  async end (): Promise<void> {
    this.ended = true
    this.wake()
    if (this.limit.active >= this.limit.max) {
      this.info = await this.done
      return
    }
    this.limit.active++
    this.done.then(info => { this.info = info }, () => {}).finally(() => { this.limit.active-- })
  }

  /** The blob, durable and published (after `end`); rejects if the store failed to finish it. */
  async stored (): Promise<BlobInfo> {
    return this.info ?? await this.done
  }

  async abort (reason: Error): Promise<void> {
    this.failure ??= reason
    this.pending?.failed(reason)
    this.pending = undefined
    this.wake()
    await this.done.catch(() => undefined)
  }
}
