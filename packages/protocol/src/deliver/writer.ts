import type { Stream } from '@libp2p/interface'
import { concatFrames } from './frames.js'
import { waitForDrain } from './sync.js'

/**
 * Coalesces frames into `send()`s of about `coalesceBytes` (one yamux frame and one Noise
 * encryption each, gotcha 11) and waits for the stream to drain whenever `send()` says so.
 */
export class FrameWriter {
  private parts: Uint8Array[] = []
  private bytes = 0

  /**
   * @param signal - aborts a wait for drain (the channel failed)
   * @param onProgress - called after each write the stream has taken
   */
  constructor (
    private readonly stream: Stream,
    private readonly coalesceBytes: number,
    private readonly signal: AbortSignal,
    private readonly onProgress: () => void
  ) {}

  /** Queue a frame; writes once about `coalesceBytes` are queued. */
  async push (frame: Uint8Array): Promise<void> {
    this.parts.push(frame)
    this.bytes += frame.length
    if (this.bytes >= this.coalesceBytes) await this.flush()
  }

  /**
   * Queue a frame given as its header and its data, both kept as they are until written (no
   * frame of its own per envelope: the write copies them once). `data` must not change until then,
   * as a stored envelope's bytes do not.
   */
  async pushFrame (header: Uint8Array, data: Uint8Array): Promise<void> {
    this.parts.push(header, data)
    this.bytes += header.length + data.length
    if (this.bytes >= this.coalesceBytes) await this.flush()
  }

  /**
   * Queue a frame given as its header and its data: a large data part (a payload chunk) is sent
   * as it is, right behind what is queued, instead of being copied into a frame (the copy is
   * garbage that only adds to the process's memory while a large document streams).
   */
  async pushSplit (header: Uint8Array, data: Uint8Array): Promise<void> {
    if (data.length < this.coalesceBytes / 2) {
      const frame = new Uint8Array(header.length + data.length)
      frame.set(header, 0)
      frame.set(data, header.length)
      await this.push(frame)
      return
    }
    this.parts.push(header)
    this.bytes += header.length
    const head = concatFrames(this.parts, this.bytes)
    this.discard()
    if (this.signal.aborted) return
    // Two sends, no wait in between: the stream queues both (send() only signals when to wait).
    const room = this.stream.send(head)
    if (!this.stream.send(data) || !room) await waitForDrain(this.stream, this.signal)
    this.onProgress()
  }

  /** Write what is queued, then wait for drain if the stream asks. */
  async flush (): Promise<void> {
    if (this.bytes === 0 || this.signal.aborted) return
    const bytes = concatFrames(this.parts, this.bytes)
    this.discard()
    if (!this.stream.send(bytes)) await waitForDrain(this.stream, this.signal)
    this.onProgress()
  }

  /** Drop what is queued (the channel failed). */
  discard (): void {
    this.parts = []
    this.bytes = 0
  }
}
