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
