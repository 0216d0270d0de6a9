import { generateKeyPair, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import { rawX25519PublicKey } from './x25519.js'

/**
 * Crypto jobs run on libuv's thread pool, off the main thread, so that a busy node spreads its
 * signature checks and key generation over its cores. The pool (4 threads by default) also
 * serves LevelDB and the file system: at most this many crypto jobs are handed to it at once and
 * the others wait here, so a burst of hundreds of receipts queues a database write behind a few
 * hundred microseconds of work at most. Enough to keep the pool busy even when the main thread
 * only gets round to completed jobs every few milliseconds (with 2, a busy sender verified
 * receipts at a few hundred a second and starved its own delivery channel).
 */
const MAX_JOBS = 32
/** Key pairs generated ahead at once, at most (they are not urgent). */
const MAX_KEY_JOBS = 4

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

/** node:crypto's ed25519 sign as a thread-pool job (the same signature as the synchronous call). */
export async function signInBackground (key: KeyObject, message: Uint8Array): Promise<Uint8Array> {
  return await new Promise<Uint8Array>((resolve, reject) => {
    schedule((done) => {
      try {
        nodeSign(null, message, key, (err, signature) => {
          done()
          if (err === null) resolve(new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength))
          else reject(err)
        })
      } catch (err) {
        done()
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
  })
}

/** An X25519 key pair with its raw public key. */
export interface EphemeralKeyPair {
  privateKey: KeyObject
  publicKey: Uint8Array
}

/**
 * Key pairs generated ahead, in the background, each handed out once. A sender now replaces its
 * ephemeral sealing key every few thousand payloads or a minute (seal-keys.ts), so one ready is
 * enough: the replacement then costs nothing on the main thread, where generating one costs three
 * times as much as on the pool (about 70 µs against 22 µs to queue a job).
 */
const READY_TARGET = 1
const ready: EphemeralKeyPair[] = []
let generating = 0

function refill (): void {
  while (ready.length + generating < READY_TARGET && generating < MAX_KEY_JOBS) {
    generating++
    schedule((done) => {
      generateKeyPair('x25519', undefined, (err, publicKey, privateKey) => {
        done()
        generating--
        if (err === null) ready.push({ privateKey, publicKey: rawX25519PublicKey(publicKey) })
        refill()
      })
    })
  }
}

/**
 * A fresh X25519 key pair for a sender's next ephemeral sealing key, never handed out twice: the
 * one generated ahead on the thread pool when there is one, else one generated here. Taking one
 * starts generating the next; a node that never seals never generates any.
 */
export function ephemeralKeyPair (): EphemeralKeyPair {
  const pair = ready.shift()
  refill()
  if (pair !== undefined) return pair
  const fresh = generateKeyPairSync('x25519')
  return { privateKey: fresh.privateKey, publicKey: rawX25519PublicKey(fresh.publicKey) }
}
