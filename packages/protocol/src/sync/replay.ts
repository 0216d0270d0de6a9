import { isLienthongError, LienthongError, type ErrorMeta } from '@lienthong/errors'
import {
  decodeSignedCheckpoint, Registry, type Checkpoint, type RegistryInit, type SignedCheckpoint, type SignedEntry
} from '@lienthong/registry'
import type { RegistryLogStore } from '@lienthong/store'
import { REPLAY_BATCH } from './constants.js'
import { RegistrySyncErrorCode } from './errors.js'
import { splitSignedEntry } from './messages.js'

/** A checkpoint as held by a replica: its decoded content and signed form. */
export interface HeldCheckpoint {
  readonly checkpoint: Checkpoint
  readonly signed: SignedCheckpoint
}

/** A registry rebuilt from the store, and the latest stored checkpoint. */
export interface Replayed {
  registry: Registry
  checkpoint: HeldCheckpoint | undefined
}

function invalid (message: string, meta: ErrorMeta, cause?: unknown): LienthongError {
  return new LienthongError(RegistrySyncErrorCode.STORE_INVALID, message, meta, { cause })
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

/**
 * Rebuild a registry from every stored entry, verifying each (signature, seq, chain, legality
 * through `Registry.applyBatch`) and its stored hash, then the head and the latest checkpoint.
 * Anything that does not verify is `registry-sync-store-invalid` with `meta.seq` and
 * `meta.reason` (the registry's code, or what did not match): a bad store is never used.
 */
export async function replayStore (store: RegistryLogStore, init: RegistryInit): Promise<Replayed> {
  const registry = Registry.create(init)
  let batch: SignedEntry[] = []
  let stored: { seq: number, hash: Uint8Array }[] = []
  const flush = (): void => {
    try {
      const applied = registry.applyBatch(batch)
      applied.forEach((a, i) => {
        const row = stored[i]
        if (row === undefined || row.seq !== a.seq || !sameBytes(row.hash, a.hash)) {
          throw invalid('a stored entry hash or seq does not match its content', { seq: a.seq, reason: 'hash-mismatch' })
        }
      })
    } catch (err) {
      if (isLienthongError(err, RegistrySyncErrorCode.STORE_INVALID)) throw err
      const seq = isLienthongError(err) && typeof err.meta.seq === 'number' ? err.meta.seq : null
      throw invalid('a stored registry entry does not verify', { seq, reason: isLienthongError(err) ? err.code : 'unknown' }, err)
    }
    batch = []
    stored = []
  }
  for await (const row of store.entries(0)) {
    try {
      batch.push(splitSignedEntry(row.bytes))
    } catch (err) {
      throw invalid('a stored registry entry cannot be decoded', { seq: row.seq, reason: isLienthongError(err) ? err.code : 'unknown' }, err)
    }
    stored.push({ seq: row.seq, hash: row.hash })
    if (batch.length >= REPLAY_BATCH) flush()
  }
  if (batch.length > 0) flush()
  const head = store.head()
  if (head === undefined ? registry.seq !== -1 : head.seq !== registry.seq || !sameBytes(head.hash, registry.head)) {
    throw invalid('the stored head does not match the replayed log', { seq: registry.seq, reason: 'head-mismatch' })
  }
  return { registry, checkpoint: loadCheckpoint(store, registry) }
}

function loadCheckpoint (store: RegistryLogStore, registry: Registry): HeldCheckpoint | undefined {
  const row = store.latestCheckpoint()
  if (row === undefined) return undefined
  let signed: SignedCheckpoint
  try {
    signed = decodeSignedCheckpoint(row.bytes)
  } catch (err) {
    throw invalid('the stored checkpoint cannot be decoded', { seq: row.seq, reason: isLienthongError(err) ? err.code : 'unknown' }, err)
  }
  const check = registry.verifyCheckpoint(signed)
  if (!check.valid) throw invalid('the stored checkpoint does not verify', { seq: row.seq, reason: check.code })
  if (check.checkpoint.seq !== row.seq || check.lag > 0) {
    throw invalid('the stored checkpoint is not for its seq', { seq: row.seq, reason: 'checkpoint-seq-mismatch' })
  }
  return { checkpoint: check.checkpoint, signed }
}
