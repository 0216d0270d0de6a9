/**
 * Why a blob stream asks V8 for young-generation collections.
 *
 * A large document streams through a node in 64 KiB pieces, and each phase allocates a fresh
 * buffer per piece that no code can reuse: `cipher.update` (sealing) and `decipher.update`
 * (opening) always return a new Buffer in Node 20, and the network stack (Noise, yamux) frames
 * and decrypts into new buffers too. Those buffers live outside V8's heap, so V8 frees them only
 * at a collection, and with its default young generation (16 MiB semi-spaces) that comes late:
 * a scavenge is forced only once 32 MiB of young buffers are outstanding, while the JavaScript
 * objects of the stream alone take many megabytes to fill new space. The garbage of one 1 GiB
 * document then piles up to 40–70 MB of RSS; `--max-semi-space-size=2` bounds it, but makes every
 * small envelope pay with more frequent scavenges (10–20% of their throughput).
 *
 * Instead, a blob stream counts its bytes and, every `everyBytes`, runs one scavenge (about a
 * millisecond: what is young and dead, the pieces, is not copied), so a large document leaves at
 * most a few megabytes of garbage, and a node that moves no large documents runs as before.
 *
 * V8 lets a program collect only when node runs with `--expose-gc`, as the systemd unit starts
 * the node (deploy/lienthong-node.service), the bench and the tests do. Without the flag there is
 * no collection: everything works the same, large documents just leave more garbage behind.
 * (The flag is not turned on from here: V8 documents changing flags after start as unsafe.)
 */

/** Default of `BlobStore.open`'s `collectEveryBytes`: a scavenge per 4 MiB streamed. */
export const BLOB_COLLECT_EVERY_BYTES = 4 * 1024 * 1024

type Collect = (options: { type: 'minor' }) => void

/** V8's `gc` when node runs with `--expose-gc`, else null. */
function collector (): Collect | null {
  const gc: unknown = (globalThis as { gc?: unknown }).gc
  return typeof gc === 'function' ? gc as Collect : null
}

/** Whether blob streams can collect (node runs with `--expose-gc`). */
export function canCollect (): boolean {
  return collector() !== null
}
/** Counts the bytes of blob streams and runs a young-generation collection every `everyBytes`. */
export class StreamCollector {
  #bytes = 0
  #collections = 0

  /** `everyBytes` 0 turns collections off. */
  constructor (readonly everyBytes: number) {
    if (!Number.isSafeInteger(everyBytes) || everyBytes < 0) throw new RangeError('everyBytes must be a non-negative integer')
  }

  /** How many collections ran (for tests and metrics). */
  get collections (): number {
    return this.#collections
  }

  /** Count `bytes` that passed through a stream; collect when `everyBytes` passed since the last time. */
  add (bytes: number): void {
    if (this.everyBytes === 0) return
    this.#bytes += bytes
    if (this.#bytes < this.everyBytes) return
    this.#bytes = 0
    const gc = collector()
    if (gc === null) return
    gc({ type: 'minor' })
    this.#collections++
  }
}
