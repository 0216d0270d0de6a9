import { createHash } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { InboxItem, OutboxSubmission } from '@lienthong/store'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

function base32 (value: number, width: number): string {
  let out = ''
  let rest = value
  for (let i = 0; i < width; i++) {
    out = CROCKFORD[rest % 32]! + out
    rest = Math.floor(rest / 32)
  }
  return out
}

/** A canonical ULID for time `ms` and counter `n`: ids sort by (ms, n). */
export function ulid (ms: number, n = 0): string {
  return base32(ms, 10) + base32(n, 16)
}

export const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))
export const text = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : Buffer.from(b).toString('utf8')
export const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest())

/** A PeerId-shaped string for node `n`. */
export const peer = (n: number): string => `12D3KooWPeer${String(n).padStart(4, '0')}`

/** A submission of envelope `id` to `peers` (one org per peer), created at `createdAt`. */
export function submission (id: string, peers: string[], createdAt = 1_000, extra: Partial<OutboxSubmission> = {}): OutboxSubmission {
  return {
    id,
    envelopeBytes: bytes(`envelope ${id}`),
    recipients: peers.map((nodePeerId, i) => ({ org: `G${i}.ORG`, nodePeerId })),
    createdAt,
    expiresAt: createdAt + 86_400_000,
    ...extra
  }
}

/** An inbox item for envelope `id`, with receipt `receipt` (default `receipt <id>`). */
export function item (id: string, receipt = `receipt ${id}`, sender = peer(1)): InboxItem {
  return {
    id,
    senderPeerId: sender,
    envelopeBytes: bytes(`envelope ${id}`),
    payloadHash: sha256(bytes(id)),
    payloadLength: id.length,
    receiptBytes: bytes(receipt),
    receivedAt: 5_000
  }
}

/** The V8 garbage collector (enabled at run time, so no node flag is needed). */
export function gcFunction (): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/** Resolve `promise` or reject after `ms` (a bound on waiting for an event, not a sleep). */
export async function within<T> (promise: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
