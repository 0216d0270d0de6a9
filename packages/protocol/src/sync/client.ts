import { REGISTRY_PROTOCOL } from '../constants.js'
import { request } from '../frames.js'
import type { Host } from '../host.js'
import {
  decodeEntriesReply, decodeHeadReply, encodeSyncRequest, type HeadInfo
} from './messages.js'

/** Deadline and cancellation of one sync request. */
export interface SyncRequestOptions {
  timeoutMs: number
  signal: AbortSignal
}

/** Ask `peer` for its head. */
export async function fetchHead (host: Host, peer: string, options: SyncRequestOptions): Promise<HeadInfo> {
  return decodeHeadReply(await request(host, peer, REGISTRY_PROTOCOL, encodeSyncRequest({ type: 'head' }), options))
}

/** Ask `peer` for up to `limit` signed entries (wire form) after `after`. */
export async function fetchEntries (host: Host, peer: string, after: number, limit: number, options: SyncRequestOptions): Promise<Uint8Array[]> {
  const reply = await request(host, peer, REGISTRY_PROTOCOL, encodeSyncRequest({ type: 'entries', after, limit }), options)
  return decodeEntriesReply(reply)
}

/** Tell `peer` our head; it replies with its own. */
export async function sendAnnounce (host: Host, peer: string, info: HeadInfo, options: SyncRequestOptions): Promise<HeadInfo> {
  return decodeHeadReply(await request(host, peer, REGISTRY_PROTOCOL, encodeSyncRequest({ type: 'announce', ...info }), options))
}
