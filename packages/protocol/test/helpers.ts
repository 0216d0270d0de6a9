import type { ExecutionContext } from 'ava'
import type { Connection } from '@libp2p/interface'
import { generateNodeKey, type NodeKey } from '@lienthong/crypto'
import { isLienthongError } from '@lienthong/errors'
import { createHost, type Host, type PeerGate } from '@lienthong/protocol'

/** A mutable allow-list gate. */
export interface AllowList extends PeerGate {
  readonly allowed: Set<string>
}

/** A gate allowing exactly `ids` (mutable through `allowed`). */
export function allowList (...ids: string[]): AllowList {
  const allowed = new Set(ids)
  return { allowed, isAllowed: id => allowed.has(id) }
}

/** A started host on 127.0.0.1, port 0, stopped when the test ends. */
export async function startHost (t: ExecutionContext, init: { key?: NodeKey, gate?: PeerGate } = {}): Promise<Host> {
  const host = await createHost({ key: init.key ?? generateNodeKey(), listen: ['/ip4/127.0.0.1/tcp/0'], gate: init.gate })
  t.teardown(async () => { await host.stop() })
  return host
}

/** The first listen address of a host (ends in /p2p/<peerId>). */
export function addressOf (host: Host): string {
  const addr = host.multiaddrs[0]
  if (addr == null) throw new Error('host has no listen address')
  return addr
}

/**
 * Resolves when `host` emits `event` for a connection with `peerId`; rejects after `timeoutMs`.
 * Call before the action that should cause it.
 */
export async function connectionEvent (host: Host, event: 'connection:open' | 'connection:close', peerId: string, timeoutMs = 5000): Promise<Connection> {
  const { promise, resolve, reject } = Promise.withResolvers<Connection>()
  const listener = (evt: CustomEvent<Connection>): void => {
    if (evt.detail.remotePeer.toString() === peerId) resolve(evt.detail)
  }
  host.node.addEventListener(event, listener)
  const timer = setTimeout(() => { reject(new Error(`no ${event} for ${peerId} within ${timeoutMs} ms`)) }, timeoutMs)
  try {
    return await promise
  } finally {
    clearTimeout(timer)
    host.node.removeEventListener(event, listener)
  }
}

/**
 * Resolves when `host` sees a connection with `peerId` close; rejects after `timeoutMs`.
 * Call before the action that should close it.
 */
export async function connectionClosed (host: Host, peerId: string, timeoutMs = 5000): Promise<Connection> {
  return await connectionEvent(host, 'connection:close', peerId, timeoutMs)
}

/** The `code` of a LienthongError rejection (fails the test for anything else). */
export async function codeOf (t: ExecutionContext, promise: Promise<unknown>): Promise<string> {
  const err = await t.throwsAsync(promise)
  t.true(isLienthongError(err), `expected a LienthongError, got ${String(err)}`)
  return isLienthongError(err) ? err.code : 'not-a-lienthong-error'
}

/** Deterministic bytes of a given length. */
export function bytesOf (length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

/** Byte equality without ava's deep diff, which is slow on megabyte arrays. */
export function sameBytes (actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength)
    .equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))
}

/** The `code` a synchronous call throws, or a description of what else happened (for t.is). */
export function codeThrown (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return isLienthongError(err) ? err.code : `not a LienthongError: ${String(err)}`
  }
  return 'nothing thrown'
}
