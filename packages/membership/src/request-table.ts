import { LienthongError } from '@lienthong/errors'
import type { BatchOp, Namespace } from '@lienthong/store'
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './constants.js'
import { MembershipErrorCode } from './errors.js'
import { badField } from './fields.js'
import { isRequestId } from './ids.js'
import { pageLimit } from './inputs.js'
import type { RequestRecord, RequestStatus } from './records.js'

/** Options of a list call. */
export interface ListOptions {
  /** Only requests in this state. */
  status?: RequestStatus
  /** Only requests after this id (the `next` of the previous page). */
  after?: string
  /** Default 100, at most 1000. */
  limit?: number
}

/** A page of requests, oldest first, and the cursor of the next page when there is one. */
export interface RequestPage<T> {
  items: T[]
  next?: string
}

const encoder = new TextEncoder()
const RECORD = 0x72 // 'r' ‖ id → record
const NONCE = 0x6e // 'n' ‖ nonce → id
const PENDING = 0x70 // 'p' ‖ peerId → id of its pending request

function key (tag: number, rest: Uint8Array | string): Uint8Array {
  const tail = typeof rest === 'string' ? encoder.encode(rest) : rest
  const out = new Uint8Array(1 + tail.length)
  out[0] = tag
  out.set(tail, 1)
  return out
}

/**
 * One kind of request in its own namespace: records by id, a nonce index (replays) and a
 * pending-by-peer index (one pending request per peer). Callers serialise writes.
 */
export class RequestTable<R extends RequestRecord<{ nonce: Uint8Array }>> {
  readonly #ns: Namespace
  readonly #decode: (bytes: Uint8Array) => R
  readonly #encode: (record: R) => Uint8Array

  constructor (ns: Namespace, decode: (bytes: Uint8Array) => R, encode: (record: R) => Uint8Array) {
    this.#ns = ns
    this.#decode = decode
    this.#encode = encode
  }

  /** The record with this id; undefined for an unknown or malformed id. */
  async get (id: string): Promise<R | undefined> {
    if (!isRequestId(id)) return undefined
    const value = await this.#ns.get(key(RECORD, id))
    return value === undefined ? undefined : this.#decode(value)
  }

  /** The record, or `membership-not-found`; `membership-not-pending` when decided. */
  async pending (id: string): Promise<R> {
    const record = await this.get(id)
    if (record === undefined) throw new LienthongError(MembershipErrorCode.NOT_FOUND, 'no request with this id', { id: String(id).slice(0, 64) })
    if (record.status !== 'pending') {
      throw new LienthongError(MembershipErrorCode.NOT_PENDING, 'the request was already decided', { id, status: record.status })
    }
    return record
  }

  /** The pending record of a peer, if any. */
  async pendingOf (peerId: string): Promise<R | undefined> {
    if (typeof peerId !== 'string') return undefined
    const id = await this.#ns.get(key(PENDING, peerId))
    return id === undefined ? undefined : await this.get(new TextDecoder().decode(id))
  }

  /** Requests oldest first, filtered by status. */
  async list (options: ListOptions = {}): Promise<RequestPage<R>> {
    const limit = pageLimit(options.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)
    if (options.after !== undefined && !isRequestId(options.after)) throw badField('after', 'must be a request id')
    const items: R[] = []
    let more = false
    const range = { gt: key(RECORD, options.after ?? ''), lt: new Uint8Array([RECORD + 1]) }
    for await (const value of this.#ns.values(range)) {
      const record = this.#decode(value)
      if (options.status !== undefined && record.status !== options.status) continue
      if (items.length === limit) {
        more = true
        break
      }
      items.push(record)
    }
    const last = items.at(-1)
    return more && last !== undefined ? { items, next: last.id } : { items }
  }

  /** Writes of a new pending record; `membership-duplicate` for a seen nonce or a pending request of the peer. */
  async insertOps (record: R): Promise<BatchOp[]> {
    const nonceKey = key(NONCE, record.request.nonce)
    if (await this.#ns.get(nonceKey) !== undefined) {
      throw new LienthongError(MembershipErrorCode.DUPLICATE, 'this request was already received', { reason: 'nonce' })
    }
    const pendingKey = key(PENDING, record.peerId)
    const pending = await this.#ns.get(pendingKey)
    if (pending !== undefined) {
      throw new LienthongError(MembershipErrorCode.DUPLICATE, 'this peer already has a pending request',
        { reason: 'pending', id: new TextDecoder().decode(pending) })
    }
    const id = encoder.encode(record.id)
    return [
      { type: 'put', namespace: this.#ns, key: key(RECORD, record.id), value: this.#encode(record) },
      { type: 'put', namespace: this.#ns, key: nonceKey, value: id },
      { type: 'put', namespace: this.#ns, key: pendingKey, value: id }
    ]
  }

  /** Writes of an updated record; a decided one leaves the pending index. */
  updateOps (record: R): BatchOp[] {
    const ops: BatchOp[] = [{ type: 'put', namespace: this.#ns, key: key(RECORD, record.id), value: this.#encode(record) }]
    if (record.status !== 'pending') ops.push({ type: 'del', namespace: this.#ns, key: key(PENDING, record.peerId) })
    return ops
  }
}
