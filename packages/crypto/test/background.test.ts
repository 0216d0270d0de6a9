import test from 'ava'
import fc from 'fast-check'
import { CryptoErrorCode, generateNodeKey, open, rotateSealingKey, seal, sign, verify, verifyAsync } from '@lienthong/crypto'

const DOMAIN = 'lienthong/test/v1'

test('verifyAsync gives the answer of verify, for honest, wrong and foreign signatures', async t => {
  const key = generateNodeKey()
  const stranger = generateNodeKey()
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.nat({ max: 63 }), fc.boolean(), async (message, flip, foreign) => {
    const signature = sign(key, DOMAIN, message)
    const checked = foreign ? stranger.publicKey : key.publicKey
    const tampered = Uint8Array.from(signature)
    tampered[flip] = (tampered[flip] ?? 0) ^ 1
    for (const sig of [signature, tampered]) {
      if (await verifyAsync(checked, DOMAIN, message, sig) !== verify(checked, DOMAIN, message, sig)) return false
    }
    return await verifyAsync(key.publicKey, DOMAIN, message, signature) && !await verifyAsync(key.publicKey, 'lienthong/other/v1', message, signature)
  }), { numRuns: 60 })
  t.pass()
})

test('verifyAsync: many at once all settle; a small-order key is false; wrong lengths are typed rejections', async t => {
  const key = generateNodeKey()
  const messages = Array.from({ length: 300 }, (_, i) => new TextEncoder().encode(`message ${i}`))
  const results = await Promise.all(messages.map(async (m, i) => await verifyAsync(key.publicKey, DOMAIN, m, sign(key, DOMAIN, i % 3 === 0 ? new Uint8Array(1) : m))))
  t.deepEqual(results, messages.map((_, i) => i % 3 !== 0))
  const identity = new Uint8Array(32)
  identity[0] = 1 // the identity point: every (R = identity, S = 0) "verifies" under OpenSSL alone
  const trivial = new Uint8Array(64)
  trivial[0] = 1
  t.false(await verifyAsync(identity, DOMAIN, messages[0]!, trivial))
  await t.throwsAsync(verifyAsync(key.publicKey.subarray(1), DOMAIN, messages[0]!, trivial), { code: CryptoErrorCode.BAD_LENGTH })
  await t.throwsAsync(verifyAsync(key.publicKey, DOMAIN, messages[0]!, trivial.subarray(1)), { code: CryptoErrorCode.BAD_LENGTH })
})

test('a new ephemeral key at each rotation, shared by the payloads sealed until the next; all open', async t => {
  const recipient = generateNodeKey()
  const sealed: Uint8Array[] = []
  for (let i = 0; i < 200; i++) {
    if (i % 20 === 0) rotateSealingKey()
    sealed.push(seal(new Uint8Array([i & 0xff, 1, 2, 3]), [recipient.sealingPublicKey]))
    // Sealing while other jobs complete on the event loop.
    if (i % 40 === 19) await new Promise(resolve => { setImmediate(resolve) })
  }
  const ephemeral = sealed.map(s => Buffer.from(s.subarray(4, 36)).toString('hex'))
  t.is(new Set(ephemeral).size, 10)
  ephemeral.forEach((e, i) => { t.is(e, ephemeral[i - (i % 20)]!) })
  sealed.forEach((s, i) => { t.deepEqual(open(s, recipient), new Uint8Array([i & 0xff, 1, 2, 3])) })
})

