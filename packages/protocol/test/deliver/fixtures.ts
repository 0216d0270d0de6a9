import { createHash } from 'node:crypto'
import type { ExecutionContext } from 'ava'
import type { NodeKey } from '@lienthong/crypto'
import {
  createEnvelope, createReceipt, decodeReceipt, encodeReceipt, verifyEnvelope, verifyReceipt,
  type EnvelopeInit, type SignedEnvelope
} from '@lienthong/envelope'
import { isLienthongError } from '@lienthong/errors'
import type { Host } from '@lienthong/protocol'
import {
  serveDeliveries, type DeliveryOutcome, type DeliveryResponse, type DeliveryServer, type IncomingEnvelope,
  type PayloadSink, type ServeDeliveriesOptions
} from '../../src/deliver/index.js'

export const MiB = 1024 * 1024

export const INIT: EnvelopeInit = { kind: 'document', senderOrg: '000.00.00.G01', recipients: ['000.00.00.H29'], contentType: 'application/pdf' }

/** An envelope with an inline payload of `size` deterministic bytes. */
export function inlineEnvelope (key: NodeKey, size: number, seed = 0): SignedEnvelope {
  const payload = new Uint8Array(size)
  for (let i = 0; i < size; i++) payload[i] = (i * 7 + seed) & 0xff
  return createEnvelope(INIT, key, payload)
}

/** The same envelope with one signature bit flipped. */
export function forged (env: SignedEnvelope): SignedEnvelope {
  const signature = Uint8Array.from(env.signature)
  signature[0] = (signature[0] ?? 0) ^ 1
  return { ...env, signature }
}

/** A handler that verifies each envelope (sender key, payload hash) and receipts it with `key`. */
export function verifyingHandler (key: NodeKey, sender: NodeKey): (batch: IncomingEnvelope[]) => Promise<DeliveryResponse[]> {
  return async (batch) => await Promise.resolve(batch.map((incoming): DeliveryResponse => {
    const result = verifyEnvelope(incoming.envelope, { expectedSender: sender.publicKey })
    if (!result.ok) return { status: 'refused', code: result.code }
    return { status: 'receipted', receipt: encodeReceipt(createReceipt(incoming.envelope, key)) }
  }))
}

/** True when `outcome` is a receipt for `env` signed by `receiver` that verifies. */
export function receiptVerifies (outcome: DeliveryOutcome, env: SignedEnvelope, receiver: NodeKey): boolean {
  if (outcome.status !== 'receipted') return false
  return verifyReceipt(decodeReceipt(outcome.receipt), { expectedEnvelope: env, expectedSigner: receiver.publicKey }).ok
}

/** serveDeliveries, closed when the test ends. */
export async function serve<S extends PayloadSink> (t: ExecutionContext, host: Host, options: ServeDeliveriesOptions<S>): Promise<DeliveryServer> {
  const server = await serveDeliveries(host, options)
  t.teardown(async () => { await server.close() })
  return server
}

/** The `code` of a rejection (and its `meta`), or undefined if it resolved. */
export async function rejection (promise: Promise<unknown>): Promise<{ code: string, meta: Record<string, unknown> } | undefined> {
  try {
    await promise
    return undefined
  } catch (err) {
    if (!isLienthongError(err)) return { code: `not-a-lienthong-error: ${String(err)}`, meta: {} }
    return { code: err.code, meta: err.meta }
  }
}

/** Rejects after `ms` unless `promise` settles first: bounds every wait in the tests. */
export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what}: nothing within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A promise released by hand. */
export function gate (): { promise: Promise<void>, release: () => void } {
  const { promise, resolve } = Promise.withResolvers<void>()
  return { promise, release: () => { resolve() } }
}

/** Deterministic pseudo-random payload bytes, produced lazily in chunks (never held whole). */
export async function * payloadChunks (total: number, chunkSize: number, seed: number): AsyncGenerator<Uint8Array> {
  let state = seed >>> 0
  for (let offset = 0; offset < total; offset += chunkSize) {
    const chunk = new Uint8Array(Math.min(chunkSize, total - offset))
    for (let i = 0; i < chunk.length; i += 4) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      chunk[i] = state & 0xff
      if (i + 1 < chunk.length) chunk[i + 1] = (state >>> 8) & 0xff
      if (i + 2 < chunk.length) chunk[i + 2] = (state >>> 16) & 0xff
      if (i + 3 < chunk.length) chunk[i + 3] = state >>> 24
    }
    await Promise.resolve()
    yield chunk
  }
}

/** SHA-256 of an async byte source. */
export async function digestOf (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const hash = createHash('sha256')
  for await (const chunk of source) hash.update(chunk)
  return hash.digest()
}

/** A payload sink that only hashes and counts what it gets. */
export class HashingSink implements PayloadSink {
  readonly hash = createHash('sha256')
  received = 0
  ended = false
  aborted: Error | undefined
  digest: Uint8Array | undefined

  constructor (private readonly onWrite?: (received: number) => Promise<void> | void) {}

  async write (chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk)
    this.received += chunk.length
    await this.onWrite?.(this.received)
  }

  end (): void {
    this.ended = true
    this.digest = this.hash.digest()
  }

  abort (reason: Error): void {
    this.aborted = reason
  }
}
