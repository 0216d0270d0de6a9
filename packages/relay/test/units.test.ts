import test from 'ava'
import fc from 'fast-check'
import { SEAL_MAX_CHUNK_SIZE, SEAL_MIN_CHUNK_SIZE, generateNodeKey, seal, sealedLength } from '@lienthong/crypto'
import { STATUS_CODES, isPermanentRefusal, retryDelay } from '@lienthong/relay'
import { checkStatus, encodeStatus, openStatus, plaintextLength, sealHeaderLength, sealedLayout } from '../src/payload-info.js'

test('retry delays double from the first, stay within ±20% jitter, and never pass the cap', t => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 0, max: 3_600_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    (failures, initial, extra, random) => {
      const max = initial + extra
      const base = Math.min(max, initial * 2 ** (failures - 1))
      const delay = retryDelay(failures, initial, max, () => random)
      return delay >= Math.max(1, Math.floor(base * 0.8)) && delay <= Math.min(max, Math.ceil(base * 1.2)) && delay <= max
    }), { numRuns: 500 })
  t.is(retryDelay(1, 100, 10_000, () => 0.5), 100)
  t.is(retryDelay(4, 100, 10_000, () => 0.5), 800)
  t.is(retryDelay(30, 100, 10_000, () => 0.5), 10_000)
})

test('plaintext length inverts the sealed length for any size, recipient count and chunk size', t => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: SEAL_MIN_CHUNK_SIZE, max: SEAL_MAX_CHUNK_SIZE }),
    (length, recipients, chunkSize) => {
      const sealed = sealedLength(length, recipients, chunkSize)
      return plaintextLength(sealed, sealHeaderLength(recipients), chunkSize) === length
    }), { numRuns: 1000 })
  t.pass()
})

test('the layout of a real sealed payload is read from its first bytes', t => {
  const keys = [generateNodeKey(), generateNodeKey(), generateNodeKey()]
  const payload = new Uint8Array(100_000).fill(7)
  const sealed = seal(payload, keys.map(k => k.sealingPublicKey), { chunkSize: 4096 })
  const layout = sealedLayout(sealed.subarray(0, sealHeaderLength(3)))
  t.deepEqual(layout, { headerLength: sealHeaderLength(3), chunkSize: 4096 })
  t.is(plaintextLength(sealed.length, layout?.headerLength ?? 0, layout?.chunkSize), payload.length)
  t.is(sealedLayout(sealed.subarray(0, 50)), undefined, 'too short')
  t.is(sealedLayout(new Uint8Array(400)), undefined, 'not sealed')
  // Format v1 (payloads stored before v2): no 16-byte salt after the ephemeral key.
  const v1 = Buffer.alloc(38 + 2 * 80 + 4 + 100)
  v1.write('LTS1', 0, 'latin1')
  v1.writeUInt16BE(2, 36)
  v1.writeUInt32BE(2048, 38 + 160)
  t.deepEqual(sealedLayout(v1), { headerLength: 38 + 160 + 4, chunkSize: 2048 })
  t.is(plaintextLength(v1.length, 38 + 160 + 4, 2048), 100 - 16)
  t.is(sealHeaderLength(2), 54 + 160 + 4, 'sealed now: format v2')
})

test('statuses carry a national code and an optional note, sealed for the sender node only', t => {
  for (const code of STATUS_CODES) t.deepEqual(checkStatus({ code }), { code })
  for (const code of ['00', '07', '1', 3, undefined]) {
    t.is((t.throws(() => checkStatus({ code })) as { code?: string }).code, 'bad-status-code')
  }
  t.is((t.throws(() => checkStatus({ code: '01', note: 'x'.repeat(2001) })) as { code?: string }).code, 'bad-request')
  const sender = generateNodeKey()
  const sealed = seal(encodeStatus({ code: '06', note: 'Hoàn thành' }), [sender.sealingPublicKey])
  t.deepEqual(openStatus(sealed, sender), { code: '06', note: 'Hoàn thành' })
  t.is(openStatus(sealed, generateNodeKey()), undefined, 'another node cannot open it')
  t.is(openStatus(seal(encodeStatus({ code: '99' }), [sender.sealingPublicKey]), sender), undefined, 'not a national code')
})

test('refusals about the envelope itself are final; registry lag, clock skew and transport failures are retried', t => {
  for (const code of ['envelope-bad-signature', 'envelope-payload-mismatch', 'envelope-expired', 'not-a-recipient', 'envelope-wrong-sender', 'sender-revoked']) {
    t.true(isPermanentRefusal(code), code)
  }
  for (const code of ['sender-unknown', 'sender-suspended', 'sender-not-allowed', 'sender-org-not-hosted', 'envelope-from-future', 'receiver-not-active', 'delivery-stream-failed', 'delivery-handler-failed', 'protocol-dial-failed']) {
    t.false(isPermanentRefusal(code), code)
  }
})
