import { LienthongError, type Logger } from '@lienthong/errors'
import type { RegistryReplica } from '@lienthong/protocol'
import { decodeSignedEntry } from '@lienthong/registry'
import { NodeErrorCode } from './errors.js'

interface LogPage { head: number, entries: Array<{ seq: number, wire: string }> }
interface CheckpointView { wire: { bytes: string, signature: string } }

const PAGE = 1000
const TIMEOUT_MS = 10_000

async function getJson<T> (url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
  if (!res.ok) throw new LienthongError(NodeErrorCode.BOOTSTRAP_FAILED, `GET ${url} answered ${res.status}`, { status: res.status })
  return await res.json() as T
}

/**
 * Catch up with the coordinator's public registry log over HTTP. Used at start, before this node
 * is admitted (the coordinator's libp2p gate refuses unknown peers) and whenever libp2p sync has
 * no peer. Entries are coordinator-signed and chained, so the replica verifies them exactly as
 * it does entries from any peer; the HTTP server is not trusted. Returns the entries applied.
 */
export async function catchUpOverHttp (replica: RegistryReplica, coordinatorUrl: string, log: Logger): Promise<number> {
  let applied = 0
  for (let round = 0; round < 10_000; round++) {
    const page = await getJson<LogPage>(`${coordinatorUrl}/v1/registry/log?since=${replica.seq}&limit=${PAGE}`)
    if (page.entries.length === 0) break
    const signed = page.entries.map((e) => decodeSignedEntry(new Uint8Array(Buffer.from(e.wire, 'base64'))))
    applied += (await replica.apply(signed, { source: 'http-bootstrap' })).length
    if (replica.seq >= page.head) break
  }
  try {
    const cp = await getJson<CheckpointView>(`${coordinatorUrl}/v1/registry/checkpoint`)
    const signed = { bytes: new Uint8Array(Buffer.from(cp.wire.bytes, 'base64')), signature: new Uint8Array(Buffer.from(cp.wire.signature, 'base64')) }
    const result = await replica.acceptCheckpoint(signed, { source: 'http-bootstrap' })
    if (!result.accepted) log.debug({ code: result.code }, 'checkpoint from HTTP not taken')
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not fetch a checkpoint over HTTP')
  }
  return applied
}
