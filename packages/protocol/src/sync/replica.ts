import type { NodeKey } from '@lienthong/crypto'
import { Emitter, LienthongError, silentLogger, type Listener, type Logger } from '@lienthong/errors'
import {
  decodeCheckpoint, encodeSignedCheckpoint, encodeSignedEntry, entryHash, RegistryErrorCode, signEntry,
  type AppendOptions, type AppliedEntry, type Checkpoint, type Registry, type RegistryOp, type RegistryState,
  type SignedCheckpoint, type SignedEntry
} from '@lienthong/registry'
import { RegistryLogStore, type Database } from '@lienthong/store'
import { RegistrySyncErrorCode } from './errors.js'
import type { RegistryAlarm, ReplicaEvents } from './events.js'
import { replayStore, type HeldCheckpoint } from './replay.js'

/** What `RegistryReplica.open` needs. */
export interface RegistryReplicaInit {
  /** The node's database (the replica uses its registry log namespaces). */
  db: Database
  /** The genesis coordinator public key (the trust anchor from network.json). */
  coordinatorKey: Uint8Array
  /** When given, the genesis must carry this network name. */
  network?: string
  logger?: Logger
}

/** Options of `RegistryReplica.append` (the coordinator's path). */
export interface ReplicaAppendOptions extends AppendOptions {
  /** Sign a checkpoint of the new head and persist it in the same batch (default true). */
  checkpoint?: boolean
}

/** Outcome of `acceptCheckpoint`: accepted, or refused with a registry or sync code. */
export type CheckpointAcceptance =
  | { readonly accepted: true, readonly checkpoint: Checkpoint }
  | { readonly accepted: false, readonly code: string, readonly checkpoint?: Checkpoint }

/** How current the replica knows itself to be. */
export interface Freshness {
  /** `at` of the newest checkpoint held (coordinator clock), null when none. */
  lastCheckpointAt: number | null
  checkpointSeq: number | null
  seq: number
  /** No checkpoint, or the newest is older than the network's `stalenessLimitMs`: report degraded. */
  stale: boolean
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

function isNewer (candidate: Checkpoint, held: Checkpoint | undefined): boolean {
  return held === undefined || candidate.seq > held.seq || (candidate.seq === held.seq && candidate.at > held.at)
}

/**
 * A Registry kept in step with a RegistryLogStore: every entry in memory is on disk, and a
 * restart replays and re-verifies the whole log. Writes (`apply`, `append`, `acceptCheckpoint`)
 * run one at a time.
 *
 * Memory vs disk: a batch is verified by applying it to a private Registry (one verification per
 * entry: signatures dominate sync cost, so no scratch copy), then persisted. Readers never see
 * that Registry: `state`, `seq`, `entry()` and `entriesAfter()` show the last committed snapshot,
 * which moves only after the write succeeded. If the write fails, the private Registry is
 * rebuilt from disk before the error is returned, so memory never stays ahead of disk; if even
 * that fails the replica refuses writes with `registry-sync-replica-broken`.
 */
export class RegistryReplica {
  readonly #store: RegistryLogStore
  readonly #init: { coordinatorKey: Uint8Array, network?: string }
  readonly #log: Logger
  readonly #events: Emitter<ReplicaEvents>
  readonly #alarms = new Map<string, number>()
  #registry: Registry
  #state: RegistryState
  #checkpoint: HeldCheckpoint | undefined
  #tail: Promise<unknown> = Promise.resolve()
  #broken = false

  private constructor (store: RegistryLogStore, init: RegistryReplicaInit, registry: Registry, checkpoint: HeldCheckpoint | undefined) {
    this.#store = store
    this.#init = { coordinatorKey: Uint8Array.from(init.coordinatorKey), ...(init.network === undefined ? {} : { network: init.network }) }
    this.#log = init.logger ?? silentLogger
    this.#events = new Emitter(this.#log, 'registry')
    this.#registry = registry
    this.#state = registry.state
    this.#checkpoint = checkpoint
  }

  /**
   * Open the registry log in `db`, replay and verify every stored entry and the latest checkpoint.
   * A store that does not verify is `registry-sync-store-invalid` (a `store-corrupt` one is the
   * store's own error); it is never used.
   */
  static async open (init: RegistryReplicaInit): Promise<RegistryReplica> {
    if (init == null || typeof init !== 'object') throw new TypeError('init must be an object')
    if (!(init.coordinatorKey instanceof Uint8Array) || init.coordinatorKey.length !== 32) {
      throw new TypeError('coordinatorKey must be a 32-byte ed25519 public key')
    }
    const store = await RegistryLogStore.open(init.db, { firstSeq: 0 })
    const anchor = { coordinatorKey: init.coordinatorKey, ...(init.network === undefined ? {} : { network: init.network }) }
    const { registry, checkpoint } = await replayStore(store, anchor)
    return new RegistryReplica(store, init, registry, checkpoint)
  }

  /** The committed registry state (immutable snapshot; query it with `hostOf`, `resolveOrg`, ...). */
  get state (): RegistryState { return this.#state }
  /** Seq of the last committed entry (-1 when empty). */
  get seq (): number { return this.#state.seq }
  /** Hash of the last committed entry. */
  get head (): Uint8Array { return this.#state.head }
  /** The newest checkpoint held, if any. */
  get latestCheckpoint (): HeldCheckpoint | undefined { return this.#checkpoint }

  /** The committed entry with this seq. */
  entry (seq: number): AppliedEntry | undefined {
    return Number.isSafeInteger(seq) && seq >= 0 && seq <= this.#state.seq ? this.#registry.entry(seq) : undefined
  }

  /** Up to `limit` (≤ 1000) committed signed entries with seq > `seq`, oldest first. */
  entriesAfter (seq: number, limit: number): SignedEntry[] {
    if (!Number.isSafeInteger(seq) || seq < -1) throw new RangeError('seq must be an integer ≥ -1')
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer')
    const available = this.#state.seq - seq
    return available <= 0 ? [] : this.#registry.entriesAfter(seq, Math.min(limit, available))
  }

  /** Listen to `applied`, `checkpoint` or `alarm` events; returns the function that stops listening. */
  on<K extends keyof ReplicaEvents>(type: K, listener: Listener<ReplicaEvents[K]>): () => void {
    return this.#events.on(type, listener)
  }

  /**
   * Verify, persist and apply signed entries continuing the head, all or nothing. Throws the
   * registry's refusal (`registry-bad-prev`, `registry-bad-signature`, ...) with nothing
   * changed, or the store's error after a failed write (memory rebuilt from disk).
   */
  async apply (signed: readonly SignedEntry[], options: { source?: string } = {}): Promise<AppliedEntry[]> {
    if (!Array.isArray(signed)) throw new TypeError('apply takes an array of signed entries')
    return await this.#serial(async () => {
      const applied = this.#usable().applyBatch(signed)
      if (applied.length > 0) await this.#commit(applied, undefined, options.source ?? 'unknown')
      return applied
    })
  }

  /**
   * The coordinator's append: sign `ops` with `key` on the head, verify them like any entry,
   * persist them (with a checkpoint of the new head unless `checkpoint: false`) and emit
   * `applied`. `registry-wrong-key` if `key` is not the current coordinator key.
   */
  async append (key: NodeKey, ops: readonly RegistryOp[], options: ReplicaAppendOptions): Promise<AppliedEntry[]> {
    if (!(key?.publicKey instanceof Uint8Array)) throw new TypeError('key must be a NodeKey')
    const list: readonly RegistryOp[] = ops
    if (!Array.isArray(ops) || list.length === 0) throw new TypeError('ops must be a non-empty array')
    if (list.length > 1 && list.some(op => op.type === 'coordinator.rotate-key')) throw new TypeError('append coordinator.rotate-key on its own')
    return await this.#serial(async () => {
      const registry = this.#usable()
      const state = registry.state
      if (!sameBytes(key.publicKey, state.coordinatorKey)) {
        throw new LienthongError(RegistryErrorCode.WRONG_KEY, 'this key is not the current coordinator key')
      }
      const at = Math.max(options.at ?? Date.now(), state.at)
      const reason = options.reason === undefined ? {} : { reason: options.reason }
      let prev = state.head
      const signed = list.map((op, i) => {
        const entry = signEntry(key, { seq: state.seq + 1 + i, prev, at, actor: options.actor, op, ...reason })
        prev = entryHash(entry)
        return entry
      })
      const applied = registry.applyBatch(signed)
      // After a key rotation the new key signs checkpoints: then the next one comes from it.
      const canSign = options.checkpoint !== false && sameBytes(key.publicKey, registry.state.coordinatorKey)
      const checkpoint = canSign ? this.#held(registry.checkpoint(key, at)) : undefined
      await this.#commit(applied, checkpoint, 'local')
      return applied
    })
  }

  /**
   * Verify a checkpoint (signed by the coordinator key in force at its seq, naming our hash at
   * that seq) and persist it if it is newer than ours. A validly signed checkpoint naming another
   * head is a fork: refused and raised as a `registry-fork` alarm.
   */
  async acceptCheckpoint (signed: SignedCheckpoint, options: { source?: string } = {}): Promise<CheckpointAcceptance> {
    if (!(signed?.bytes instanceof Uint8Array) || !(signed.signature instanceof Uint8Array)) {
      throw new TypeError('signed must be a SignedCheckpoint')
    }
    const source = options.source ?? 'unknown'
    return await this.#serial(async () => {
      const check = this.#usable().verifyCheckpoint(signed)
      if (!check.valid) {
        if (check.code === RegistryErrorCode.CHECKPOINT_FORK) {
          const peer = source === 'local' || source === 'unknown' ? {} : { peer: source }
          this.raiseAlarm({ code: RegistrySyncErrorCode.FORK, reason: check.code, seq: check.checkpoint?.seq ?? -1, ...peer })
        }
        return { accepted: false, code: check.code, ...(check.checkpoint === undefined ? {} : { checkpoint: check.checkpoint }) }
      }
      const { checkpoint } = check
      if (check.lag > 0) return { accepted: false, code: RegistrySyncErrorCode.CHECKPOINT_AHEAD, checkpoint }
      if (!isNewer(checkpoint, this.#checkpoint?.checkpoint)) return { accepted: false, code: RegistrySyncErrorCode.CHECKPOINT_NOT_NEWER, checkpoint }
      const held = this.#held(signed, checkpoint)
      await this.#store.append([], { seq: checkpoint.seq, bytes: encodeSignedCheckpoint(held.signed) })
      this.#checkpoint = held
      this.#events.emit('checkpoint', { ...held, source })
      return { accepted: true, checkpoint }
    })
  }

  /** The coordinator's periodic checkpoint: sign the committed head with `key` now and accept it. */
  async checkpointHead (key: NodeKey, at: number = Date.now()): Promise<CheckpointAcceptance> {
    const signed = await this.#serial(() => this.#usable().checkpoint(key, at))
    return await this.acceptCheckpoint(signed, { source: 'local' })
  }

  /** Freshness by the newest checkpoint and the network's `stalenessLimitMs`. */
  freshness (now: number = Date.now()): Freshness {
    const held = this.#checkpoint?.checkpoint
    return {
      lastCheckpointAt: held?.at ?? null,
      checkpointSeq: held?.seq ?? null,
      seq: this.#state.seq,
      stale: held === undefined || now - held.at > this.#state.params.stalenessLimitMs
    }
  }

  /** Count, log and emit an alarm (the sync service raises forks and bad peers here). */
  raiseAlarm (alarm: RegistryAlarm): void {
    this.#alarms.set(alarm.code, (this.#alarms.get(alarm.code) ?? 0) + 1)
    this.#log.warn({ ...alarm }, 'registry alarm')
    this.#events.emit('alarm', alarm)
  }

  /** Alarms raised so far, by code. */
  alarmCounts (): Record<string, number> {
    return Object.fromEntries(this.#alarms)
  }

  /** Own copies of a checkpoint; `checkpoint` is its decoded form, decoded here for one we just signed. */
  #held (signed: SignedCheckpoint, checkpoint: Checkpoint = decodeCheckpoint(signed.bytes)): HeldCheckpoint {
    return { checkpoint, signed: Object.freeze({ bytes: Uint8Array.from(signed.bytes), signature: Uint8Array.from(signed.signature) }) }
  }

  async #commit (applied: AppliedEntry[], checkpoint: HeldCheckpoint | undefined, source: string): Promise<void> {
    const rows = applied.map(a => ({ seq: a.seq, hash: a.hash, bytes: encodeSignedEntry(a.signed) }))
    try {
      await this.#store.append(rows, checkpoint === undefined ? undefined : { seq: checkpoint.checkpoint.seq, bytes: encodeSignedCheckpoint(checkpoint.signed) })
    } catch (err) {
      await this.#rebuild()
      throw err
    }
    this.#state = this.#registry.state
    if (checkpoint !== undefined) this.#checkpoint = checkpoint
    this.#events.emit('applied', { entries: applied, seq: this.#state.seq, head: this.#state.head, source })
    if (checkpoint !== undefined) this.#events.emit('checkpoint', { ...checkpoint, source })
  }

  async #rebuild (): Promise<void> {
    try {
      this.#registry = (await replayStore(this.#store, this.#init)).registry
    } catch (err) {
      this.#broken = true
      this.#log.error({ err: err instanceof LienthongError ? err.code : 'unknown' }, 'registry replica could not be rebuilt after a failed write')
    }
  }

  #usable (): Registry {
    if (this.#broken) throw new LienthongError(RegistrySyncErrorCode.REPLICA_BROKEN, 'the registry replica must be reopened')
    return this.#registry
  }

  async #serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.#tail.then(fn)
    this.#tail = run.catch(() => {})
    return await run
  }
}
