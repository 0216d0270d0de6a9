import { LienthongError } from '@lienthong/errors'
import type { BatchOp, Namespace } from './database.js'
import { StoreErrorCode } from './errors.js'
import { DUE_MIRROR_MAX_ENTRIES, DueMirror } from './outbox-due-mirror.js'
import {
  DUE_PEER_RANGE, LEGACY_DUE_GLOBAL_RANGE, decodeDueKey, decodeDuePeerKey, duePeerKey, dueRange, type DuePosition
} from './outbox-codec.js'
import type { PendingPeer } from './outbox-counters.js'

/** (at, id, peer) order. */
function comparePositions (a: DuePosition, b: DuePosition): number {
  if (a.at !== b.at) return a.at - b.at
  if (a.id !== b.id) return a.id < b.id ? -1 : 1
  return a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0
}

export function corruptDue (): never {
  throw new LienthongError(StoreErrorCode.CORRUPT, 'outbox due index is inconsistent', { reason: 'outbox-due-malformed' })
}

/**
 * The outbox's due index: one key `p ‖ peer ‖ 0 ‖ at ‖ id` per queued delivery, in LevelDB and
 * (unless too large) mirrored in memory, where the delivery worker's questions are answered.
 */
export class DueIndex {
  private constructor (private readonly due: Namespace, private readonly mirror: DueMirror, private readonly pendingPeers: () => PendingPeer[]) {}

  /**
   * Open the index: drop the global index older outboxes also kept, and load the per-peer one in
   * memory if the outbox holds at most `memoryLimit` queued deliveries.
   */
  static async open (due: Namespace, queued: number, memoryLimit = DUE_MIRROR_MAX_ENTRIES, pendingPeers: () => PendingPeer[]): Promise<DueIndex> {
    if ((await due.keys({ ...LEGACY_DUE_GLOBAL_RANGE, limit: 1 }).all()).length > 0) await due.clear(LEGACY_DUE_GLOBAL_RANGE)
    let positions: DuePosition[] | undefined
    if (queued <= memoryLimit) positions = (await due.keys(DUE_PEER_RANGE).all()).map(key => decodeDuePeerKey(key) ?? corruptDue())
    return new DueIndex(due, new DueMirror(positions, memoryLimit), pendingPeers)
  }

  /** The op that adds or removes a queued delivery's key (in the caller's batch). */
  op (type: 'put' | 'del', p: DuePosition): BatchOp {
    const key = duePeerKey(p)
    return type === 'put' ? { type, namespace: this.due, key, value: new Uint8Array(0) } : { type, namespace: this.due, key }
  }

  /** The batch holding `op(type, p)` is on disk: change the mirror alike. */
  written (type: 'put' | 'del', p: DuePosition): void {
    if (type === 'put') this.mirror.add(p)
    else this.mirror.delete(p)
  }

  /** Due positions of one peer (from memory when it can), or of all of them in (at, id, peer) order. */
  async positions (query: { peer?: string, now: number, limit: number }, from: DuePosition | undefined): Promise<DuePosition[]> {
    const { peer, now, limit } = query
    if (peer !== undefined) return await this.peerDue(peer, now, limit, from, false)
    // Every peer's first `limit` after the cursor, merged: the cursor's (at, id) is still to come
    // for peers sorting after its peer.
    const lists = await Promise.all(this.pendingPeers().map(async ({ peerId }) =>
      await this.peerDue(peerId, now, limit, from, from !== undefined && peerId > from.peer)))
    const all = lists.flat().filter(p => from === undefined || comparePositions(p, from) > 0)
    return all.sort(comparePositions).slice(0, limit)
  }

  private async peerDue (peer: string, now: number, limit: number, from: DuePosition | undefined, inclusive: boolean): Promise<DuePosition[]> {
    const start = from === undefined ? undefined : { ...from, peer }
    if (this.mirror.enabled) return this.mirror.due(peer, now, limit, start, inclusive)
    const range: { gte?: Uint8Array, gt?: Uint8Array, lt: Uint8Array } = dueRange(now, peer)
    if (start !== undefined) {
      delete range.gte
      if (inclusive) range.gte = duePeerKey(start)
      else range.gt = duePeerKey(start)
    }
    const keys = await this.due.keys({ ...range, limit }).all()
    return keys.map(key => decodeDueKey(key, peer) ?? corruptDue())
  }
}
