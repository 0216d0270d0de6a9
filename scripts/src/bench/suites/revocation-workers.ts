/**
 * The main thread's handle on one node worker of the `revocation` suite (revocation-worker.ts):
 * typed requests with bounded waits, `refused` reports forwarded, and a clear error as soon as
 * the worker fails (an uncaught error, or an exit before it was closed).
 */
import { Worker } from 'node:worker_threads'
import type { NodeWorkerData, RefusedMessage, WorkerMessage, WorkerRequest, WorkerRequests, WorkerRequestType } from './revocation-messages.js'
import { bounded } from './revocation-util.js'

const CLOSE_TIMEOUT_MS = 20_000

interface Pending { resolve: (value: unknown) => void, reject: (err: Error) => void }

export class NodeWorker {
  readonly index: number
  /** Rejects with the worker's failure; never resolves. */
  readonly failed: Promise<never>
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #nextId = 0
  #failure: Error | undefined
  #closing = false

  constructor (data: NodeWorkerData, onRefused: (message: RefusedMessage) => void) {
    this.index = data.worker
    const { promise, reject } = Promise.withResolvers<never>()
    promise.catch(() => {}) // observed by whoever races it; not an unhandled rejection otherwise
    this.failed = promise
    const fail = (err: Error): void => {
      if (this.#failure !== undefined) return
      this.#failure = err
      reject(err)
      for (const pending of this.#pending.values()) pending.reject(err)
      this.#pending.clear()
    }
    this.#worker = new Worker(new URL('./revocation-worker.js', import.meta.url), { workerData: data })
    this.#worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'refused') { onRefused(message); return }
      const pending = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      if (message.ok) pending?.resolve(message.value)
      else pending?.reject(new Error(`node worker ${this.index}: ${message.error}`))
    })
    this.#worker.on('error', (err) => { fail(new Error(`node worker ${this.index} failed: ${err.message}`, { cause: err })) })
    this.#worker.on('exit', (code) => { fail(new Error(`node worker ${this.index} exited with code ${code}${this.#closing ? '' : ' while the run needed it'}`)) })
  }

  /** Send a request; reject if the worker fails or does not answer within `timeoutMs`. */
  async call<K extends WorkerRequestType> (type: K, args: WorkerRequests[K]['args'], timeoutMs: number): Promise<WorkerRequests[K]['result']> {
    if (this.#failure !== undefined) throw this.#failure
    const id = this.#nextId++
    const { promise, resolve, reject } = Promise.withResolvers<unknown>()
    this.#pending.set(id, { resolve, reject })
    this.#worker.postMessage({ id, type, args } satisfies WorkerRequest<K>)
    try {
      return await bounded(promise, timeoutMs, `node worker ${this.index} to answer "${type}"`) as WorkerRequests[K]['result']
    } finally {
      this.#pending.delete(id)
    }
  }

  /** Stop the worker's nodes (bounded), then end the thread whatever happened. */
  async close (): Promise<void> {
    this.#closing = true
    try {
      if (this.#failure === undefined) await this.call('close', {}, CLOSE_TIMEOUT_MS)
    } finally {
      await this.#worker.terminate()
    }
  }
}
