import { SIGNATURE_LENGTH, type NodeKey } from '@lienthong/crypto'
import { isLienthongError, LienthongError } from '@lienthong/errors'
import { applyOp, Draft, type GenesisExpectation } from './apply/index.js'
import { bytesEqual } from './cbor.js'
import {
  decodeCheckpoint, signCheckpoint, verifyCheckpointSignature, type CheckpointCheck, type SignedCheckpoint
} from './checkpoint.js'
import { MAX_ENTRY_BYTES } from './constants.js'
import { decodeEntry, entryHash, peekSeq, verifyEntrySignature, withMeta, type Entry, type SignedEntry } from './entry.js'
import { RegistryErrorCode } from './errors.js'
import {
  hostOf, listNodes, listOrgs, listServices, resolveOrg,
  type HostMatch, type ListNodesOptions, type ListOrgsOptions, type Resolution
} from './queries.js'
import { coordinatorKeyAt, emptyState } from './state.js'
import type { NodeRecord, OrgRecord, RegistryState, ServiceRecord } from './types.js'

/** The trust anchor, from network.json. */
export interface RegistryInit {
  /** The genesis coordinator public key: entry 0 must be signed by it and name it. */
  coordinatorKey: Uint8Array
  /** When given, the genesis must carry this network name. */
  network?: string
}

/** An entry that is part of the log: its signed form, decoded content and hash. */
export interface AppliedEntry {
  readonly seq: number
  readonly entry: Entry
  readonly signed: SignedEntry
  /** sha256(bytes || signature): the next entry's `prev`. */
  readonly hash: Uint8Array
}

/** Default and largest page of `entriesAfter`. */
export const ENTRIES_PAGE_LIMIT = 1000

/**
 * The registry: the verified log and the state folded from it. Entries go in only through
 * `applyEntry` / `applyBatch`, which verify the coordinator signature, seq, chain and time, then
 * apply the operation: all or nothing. A refused entry or batch leaves the state and log untouched.
 */
export class Registry {
  #state: RegistryState
  readonly #log: AppliedEntry[] = []
  readonly #expect: GenesisExpectation

  private constructor (init: RegistryInit) {
    if (!(init.coordinatorKey instanceof Uint8Array) || init.coordinatorKey.length !== 32) {
      throw new TypeError('coordinatorKey must be a 32-byte ed25519 public key')
    }
    if (init.network !== undefined && typeof init.network !== 'string') throw new TypeError('network must be a string')
    this.#state = emptyState(init.coordinatorKey)
    this.#expect = init.network === undefined ? {} : { network: init.network }
  }

  /** An empty registry anchored on the genesis coordinator key (sync or replay fills it). */
  static create (init: RegistryInit): Registry {
    return new Registry(init)
  }

  /** The current immutable snapshot. */
  get state (): RegistryState { return this.#state }
  /** Seq of the last entry (-1 when empty). */
  get seq (): number { return this.#state.seq }
  /** Hash of the last entry (32 zero bytes when empty). */
  get head (): Uint8Array { return this.#state.head }

  /** Verify and apply one entry; throws a refusal with `meta.seq`, leaving everything as it was. */
  applyEntry (signed: SignedEntry): AppliedEntry {
    const draft = new Draft(this.#state)
    const applied = this.#applyTo(draft, signed)
    this.#state = draft.toState()
    this.#log.push(applied)
    return applied
  }

  /**
   * Verify and apply entries in order, atomically: if any is refused nothing is applied, and the
   * error carries `meta.seq` and `meta.index` of the refused entry.
   */
  applyBatch (batch: readonly SignedEntry[]): AppliedEntry[] {
    if (!Array.isArray(batch)) throw new TypeError('applyBatch takes an array of signed entries')
    const draft = new Draft(this.#state)
    const applied: AppliedEntry[] = []
    for (let index = 0; index < batch.length; index++) {
      try {
        applied.push(this.#applyTo(draft, batch[index] as SignedEntry))
      } catch (err) {
        throw isLienthongError(err) ? withMeta(err, { index }) : err
      }
    }
    if (applied.length > 0) {
      this.#state = draft.toState()
      this.#log.push(...applied)
    }
    return applied
  }

  #applyTo (draft: Draft, signed: SignedEntry): AppliedEntry {
    const expected = draft.seq + 1
    if (typeof signed !== 'object' || signed === null || !(signed.bytes instanceof Uint8Array) ||
      !(signed.signature instanceof Uint8Array) || signed.signature.length !== SIGNATURE_LENGTH || signed.bytes.length > MAX_ENTRY_BYTES) {
      throw new LienthongError(RegistryErrorCode.MALFORMED, 'not a signed entry of acceptable size', { seq: expected })
    }
    // Own copies: the log must not change if the caller reuses its buffers.
    const own: SignedEntry = Object.freeze({ bytes: Uint8Array.from(signed.bytes), signature: Uint8Array.from(signed.signature) })
    if (!verifyEntrySignature(own, draft.coordinatorKey)) {
      throw new LienthongError(RegistryErrorCode.BAD_SIGNATURE, 'the entry is not signed by the current coordinator key', { seq: peekSeq(own.bytes) ?? expected })
    }
    const entry = decodeEntry(own.bytes)
    const { seq, at } = entry
    if (seq !== expected) throw new LienthongError(RegistryErrorCode.BAD_SEQ, 'the entry does not follow the head', { seq, expected })
    if (!bytesEqual(entry.prev, draft.head)) throw new LienthongError(RegistryErrorCode.BAD_PREV, 'the entry does not extend the head', { seq })
    if (at < draft.at) throw new LienthongError(RegistryErrorCode.BAD_TIME, 'the entry is older than the previous one', { seq, at, previous: draft.at })
    const ctx = { seq, at, actor: entry.actor, ...(entry.reason === undefined ? {} : { reason: entry.reason }) }
    try {
      applyOp(draft, entry.op, ctx, this.#expect)
    } catch (err) {
      throw isLienthongError(err) ? withMeta(err, { seq }) : err
    }
    const hash = entryHash(own)
    draft.seq = seq
    draft.head = hash
    draft.at = at
    return Object.freeze({ seq, entry, signed: own, hash })
  }

  /** Up to `limit` signed entries with seq > `seq`, oldest first (what a syncing peer asks for). */
  entriesAfter (seq: number, limit = ENTRIES_PAGE_LIMIT): SignedEntry[] {
    if (!Number.isSafeInteger(seq) || seq < -1) throw new RangeError('seq must be an integer ≥ -1')
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer')
    return this.#log.slice(seq + 1, seq + 1 + Math.min(limit, ENTRIES_PAGE_LIMIT)).map(a => a.signed)
  }

  /** The applied entry with this seq, if any. */
  entry (seq: number): AppliedEntry | undefined {
    return this.#log[seq]
  }

  /** Follow successors from a code (see `resolveOrg`). */
  resolve (code: string): Resolution | undefined { return resolveOrg(this.#state, code) }
  /** The node hosting a code (see `hostOf`). */
  hostOf (code: string): HostMatch | undefined { return hostOf(this.#state, code) }
  getOrg (code: string): OrgRecord | undefined { return this.#state.orgs.get(code) }
  getNode (peerId: string): NodeRecord | undefined { return this.#state.nodes.get(peerId) }
  getService (id: string): ServiceRecord | undefined { return this.#state.services.get(id) }
  listOrgs (options?: ListOrgsOptions): OrgRecord[] { return listOrgs(this.#state, options) }
  listNodes (options?: ListNodesOptions): NodeRecord[] { return listNodes(this.#state, options) }
  listServices (options?: { org?: string }): ServiceRecord[] { return listServices(this.#state, options) }

  /** Sign a checkpoint of the current head with the coordinator key (`registry-wrong-key`, `registry-empty`). */
  checkpoint (key: NodeKey, at: number = Date.now()): SignedCheckpoint {
    const state = this.#state
    if (state.seq < 0) throw new LienthongError(RegistryErrorCode.EMPTY, 'the registry has no entry to checkpoint')
    if (!bytesEqual(key.publicKey, state.coordinatorKey)) {
      throw new LienthongError(RegistryErrorCode.WRONG_KEY, 'only the current coordinator key signs checkpoints')
    }
    if (!Number.isSafeInteger(at) || at < 0) throw new RangeError('at must be a non-negative integer (ms)')
    return signCheckpoint(key, { seq: state.seq, head: state.head, at })
  }

  /**
   * Check a checkpoint: signed by the coordinator key in force at its seq (the current key for a
   * seq ahead of ours) and, when we have that seq, naming our hash of it. Never throws for bad input.
   */
  verifyCheckpoint (signed: SignedCheckpoint): CheckpointCheck {
    let checkpoint
    try {
      checkpoint = decodeCheckpoint(signed.bytes)
    } catch {
      return { valid: false, code: RegistryErrorCode.MALFORMED }
    }
    const state = this.#state
    const key = checkpoint.seq <= state.seq ? coordinatorKeyAt(state, checkpoint.seq) : state.coordinatorKey
    if (!verifyCheckpointSignature(signed, key)) return { valid: false, code: RegistryErrorCode.BAD_SIGNATURE, checkpoint }
    const ours = this.#log[checkpoint.seq]
    if (ours !== undefined && !bytesEqual(ours.hash, checkpoint.head)) {
      return { valid: false, code: RegistryErrorCode.CHECKPOINT_FORK, checkpoint }
    }
    return { valid: true, checkpoint, lag: checkpoint.seq - state.seq }
  }
}
