import { verify as nodeVerify, type KeyObject } from 'node:crypto'

/**
 * Crypto jobs run on libuv's thread pool, off the main thread, so that a busy node spreads its
 * signing and signature checks over its cores. The pool (4 threads by default) also
 * serves LevelDB and the file system: at most this many crypto jobs are handed to it at once and
 * the others wait here, so a burst of hundreds of receipts queues a database write behind a few
 * hundred microseconds of work at most. Enough to keep the pool busy even when the main thread
 * only gets round to completed jobs every few milliseconds (with 2, a busy sender verified
 * receipts at a few hundred a second and starved its own delivery channel).
 */
const MAX_JOBS = 32

let running = 0
const waiting: Array<() => void> = []

function next (): void {
  running--
  waiting.shift()?.()
}

/** Run `start(done)` when a job slot is free; `done` must be called exactly once. */
function schedule (start: (done: () => void) => void): void {
  const run = (): void => {
    running++
    start(next)
  }
  if (running < MAX_JOBS) run()
  else waiting.push(run)
}

/** node:crypto's ed25519 verify as a thread-pool job; false when OpenSSL refuses the input. */
export async function verifyInBackground (key: KeyObject, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    schedule((done) => {
      try {
        nodeVerify(null, message, key, signature, (err, ok) => {
          done()
          resolve(err === null && ok)
        })
      } catch {
        done()
        resolve(false)
      }
    })
  })
}

