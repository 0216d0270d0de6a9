import type { ExecutionContext } from 'ava'
import { nodeKeyFromSeed, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import { isLienthongError } from '@lienthong/errors'
import { RegistryWriter, type NodeAdmitOp, type RegistryState } from '@lienthong/registry'

/** A deterministic key from a small number (test identities, never secrets). */
export function testKey (n: number): NodeKey {
  const seed = new Uint8Array(32)
  seed[0] = n & 0xff
  seed[1] = (n >> 8) & 0xff
  seed[31] = 0x5a
  return nodeKeyFromSeed(seed)
}

export function peerIdOf (key: NodeKey): string {
  return peerIdFromPublicKeyBytes(key.publicKey)
}

export const T0 = 1_750_000_000_000

/** A registry with its genesis, on a clock that advances one second per entry. */
export function newWriter (key: NodeKey = testKey(1000), network = 'lienthong-test'): RegistryWriter {
  let now = T0
  return RegistryWriter.genesis(key, { network, now: () => (now += 1000) })
}

export const ADMIN = { actor: 'admin-token' }

export function admitOp (key: NodeKey, orgs: string[], port = 4001): NodeAdmitOp {
  return {
    type: 'node.admit',
    peerId: peerIdOf(key),
    publicKey: key.publicKey,
    sealingPublicKey: key.sealingPublicKey,
    addresses: [`/ip4/127.0.0.1/tcp/${port}`],
    orgs,
    contacts: { email: ['ops@example.gov.vn'], phone: ['+84 24 0000 0000'] }
  }
}

/** Run `fn`, expect a LienthongError with `code`; return its meta. */
export function throwsCode (t: ExecutionContext, fn: () => unknown, code: string): Record<string, unknown> {
  try {
    fn()
  } catch (err) {
    if (isLienthongError(err)) {
      t.is(err.code, code)
      return err.meta
    }
    t.fail(`expected ${code}, got ${String(err)}`)
    return {}
  }
  t.fail(`expected ${code}, nothing thrown`)
  return {}
}

/** Assert that `fn` is refused with `code` and leaves the writer's state exactly as it was. */
export function refusedUnchanged (t: ExecutionContext, writer: RegistryWriter, fn: () => unknown, code: string): Record<string, unknown> {
  const before: RegistryState = writer.registry.state
  const copy = structuredClone(before)
  const length = writer.registry.entriesAfter(-1).length
  const meta = throwsCode(t, fn, code)
  t.is(writer.registry.state, before)
  t.deepEqual(writer.registry.state, copy)
  t.is(writer.registry.entriesAfter(-1).length, length)
  return meta
}
