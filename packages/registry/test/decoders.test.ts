import test from 'ava'
import fc from 'fast-check'
import { isLienthongError } from '@lienthong/errors'
import {
  decodeCheckpoint, decodeEntry, decodeSignedCheckpoint, decodeSignedEntry, encodeSignedEntry, Registry,
  RegistryErrorCode, type SignedEntry
} from '@lienthong/registry'
import { ADMIN, admitOp, newWriter, testKey } from './helpers.js'

const KNOWN = new Set<string>(Object.values(RegistryErrorCode))

/** Decoders either return or throw a LienthongError with a registry code: never anything else. */
function onlyTypedErrors (fn: () => unknown): boolean {
  try {
    fn()
    return true
  } catch (err) {
    return isLienthongError(err) && KNOWN.has(err.code)
  }
}

test('decoders throw only typed errors on arbitrary bytes', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    for (const decode of [decodeEntry, decodeSignedEntry, decodeCheckpoint, decodeSignedCheckpoint]) {
      if (!onlyTypedErrors(() => decode(bytes))) return false
    }
    return true
  }), { numRuns: 500 })
  t.pass()
})

test('any mutation of a signed entry is refused with a code and changes nothing', (t) => {
  const coordinator = testKey(1000)
  const w = newWriter(coordinator)
  w.appendOp({ type: 'org.create', code: '000.00.00.H29', name: 'Hà Nội' }, ADMIN)
  w.appendOp(admitOp(testKey(1), ['000.00.00.H29']), ADMIN)
  const log = w.registry.entriesAfter(-1)
  const replica = Registry.create({ coordinatorKey: coordinator.publicKey })
  replica.applyBatch(log.slice(0, 2))
  const target = log[2] as SignedEntry
  const wire = encodeSignedEntry(target)
  fc.assert(fc.property(
    fc.nat({ max: wire.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(),
    (position, xor, truncate) => {
      const bytes = Uint8Array.from(wire)
      bytes[position] = (bytes[position] as number) ^ xor
      const mutated = truncate ? bytes.subarray(0, position) : bytes
      const before = replica.state
      try {
        replica.applyEntry(decodeSignedEntry(mutated))
        return false
      } catch (err) {
        return isLienthongError(err) && KNOWN.has(err.code) && replica.state === before
      }
    }
  ), { numRuns: 300 })
  replica.applyEntry(decodeSignedEntry(wire))
  t.is(replica.seq, 2)
})
