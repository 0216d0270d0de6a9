import { sign, type NodeKey } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { bytesEqual } from './cbor.js'
import type { SignedCheckpoint } from './checkpoint.js'
import { COORDINATOR_ROTATION_DOMAIN } from './constants.js'
import { entryHash, signEntry, type SignedEntry } from './entry.js'
import { RegistryErrorCode } from './errors.js'
import type { RegistryOp } from './ops.js'
import { Registry, type AppliedEntry } from './registry.js'

/** Who appends and why (copied into the entry and into history). */
export interface AppendOptions {
  /** Admin token name, or 'system'. */
  actor: string
  reason?: string
  /** Unix ms; defaults to now. Never earlier than the head's time (raised to it if so). */
  at?: number
}

export interface RegistryWriterOptions {
  /** Clock for entry times (default Date.now). */
  now?: () => number
}

export interface GenesisInit extends RegistryWriterOptions {
  network: string
  actor?: string
  reason?: string
  at?: number
}

/** The proof for `coordinator.rotate-key`: the new key's signature over the old public key. */
export function coordinatorRotationProof (newKey: NodeKey, oldPublicKey: Uint8Array): Uint8Array {
  return sign(newKey, COORDINATOR_ROTATION_DOMAIN, oldPublicKey)
}

/**
 * The coordinator side: builds entries on the current head, signs them with the coordinator key
 * and applies them through the same verification as any peer (`Registry.applyBatch`), so a
 * refused operation is never signed into the log. Persisting the returned entries is the caller's job.
 */
export class RegistryWriter {
  readonly #registry: Registry
  #key: NodeKey
  readonly #now: () => number

  constructor (registry: Registry, key: NodeKey, options: RegistryWriterOptions = {}) {
    if (!(registry instanceof Registry)) throw new TypeError('registry must be a Registry')
    this.#registry = registry
    this.#key = key
    this.#now = options.now ?? Date.now
  }

  /** A new registry whose entry 0 is the genesis `{network, coordinatorKey: key.publicKey}`. */
  static genesis (key: NodeKey, init: GenesisInit): RegistryWriter {
    const writer = new RegistryWriter(Registry.create({ coordinatorKey: key.publicKey, network: init.network }), key, init)
    writer.appendOp({ type: 'genesis', network: init.network, coordinatorKey: key.publicKey }, {
      actor: init.actor ?? 'system',
      ...(init.reason === undefined ? {} : { reason: init.reason }),
      ...(init.at === undefined ? {} : { at: init.at })
    })
    return writer
  }

  get registry (): Registry { return this.#registry }
  /** The public key this writer signs with. */
  get publicKey (): Uint8Array { return this.#key.publicKey }

  /** Sign and apply one operation; throws the refusal (nothing appended) if it is illegal. */
  appendOp (op: RegistryOp, options: AppendOptions): AppliedEntry {
    const [applied] = this.#append([op], options)
    return applied as AppliedEntry
  }

  /**
   * Sign and apply several operations as one atomic batch (e.g. a directory import): all are
   * appended or none. A coordinator key rotation cannot be part of a batch (use `rotateKey`).
   */
  appendOps (ops: readonly RegistryOp[], options: AppendOptions): AppliedEntry[] {
    if (ops.some(op => op.type === 'coordinator.rotate-key')) throw new TypeError('use rotateKey() for coordinator.rotate-key')
    return this.#append(ops, options)
  }

  /** Hand over to `newKey`: appends `coordinator.rotate-key` (signed by the old key), then signs with the new one. */
  rotateKey (newKey: NodeKey, options: AppendOptions): AppliedEntry {
    const proof = coordinatorRotationProof(newKey, this.#key.publicKey)
    const applied = this.appendOp({ type: 'coordinator.rotate-key', publicKey: newKey.publicKey, proof }, options)
    this.#key = newKey
    return applied
  }

  /** A checkpoint of the current head (`Registry.checkpoint`). */
  checkpoint (at: number = this.#now()): SignedCheckpoint {
    return this.#registry.checkpoint(this.#key, at)
  }

  #append (ops: readonly RegistryOp[], options: AppendOptions): AppliedEntry[] {
    const state = this.#registry.state
    if (!bytesEqual(this.#key.publicKey, state.coordinatorKey)) {
      throw new LienthongError(RegistryErrorCode.WRONG_KEY, 'this writer\'s key is not the current coordinator key')
    }
    const at = Math.max(options.at ?? this.#now(), state.at)
    let seq = state.seq
    let prev = state.head
    const signed: SignedEntry[] = []
    for (const op of ops) {
      seq += 1
      const entry = signEntry(this.#key, {
        seq, prev, at, actor: options.actor, op, ...(options.reason === undefined ? {} : { reason: options.reason })
      })
      signed.push(entry)
      prev = entryHash(entry)
    }
    return this.#registry.applyBatch(signed)
  }
}
