import test from 'ava'
import fc from 'fast-check'
import { createHash, randomBytes } from 'node:crypto'
import { setImmediate } from 'node:timers/promises'
import {
  CryptoErrorCode, SEAL_DEFAULT_CHUNK_SIZE, generateNodeKey, nodeKeyFromSeed, open, openStream, seal, sealStream, sealedLength
} from '@lienthong/crypto'
import { collect, cut, equalBytes, fixture, fromHex, hex, patternBytes } from './helpers.js'
import type { SealVector } from './seal-spec.js'

const C = 1024
const alice = generateNodeKey()
const bob = generateNodeKey()
const recipients = [alice.sealingPublicKey, bob.sealingPublicKey]
const HL = 58 + 80 * recipients.length // format v2: 54-byte prefix, 80 per recipient, u32 chunk size

/** An asynchronous source, as a socket or a file would be: one event-loop turn per piece. */
async function * pieces (bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  for (const piece of cut(bytes, sizes)) {
    await setImmediate()
    yield piece
  }
}

const pieceSizes = fc.array(fc.integer({ min: 1, max: 3 * C }), { minLength: 1, maxLength: 6 })
const payloadSize = fc.oneof(fc.constantFrom(0, 1, C - 1, C, C + 1, 4 * C), fc.nat({ max: 5 * C }))

test('streaming seal -> buffer open, and buffer seal -> streaming open, for any cutting (property)', async (t) => {
  await fc.assert(fc.asyncProperty(payloadSize, pieceSizes, pieceSizes, async (length, cutIn, cutOut) => {
    const payload = patternBytes(length, `s${length}`)
    const streamed = await collect(sealStream(pieces(payload, cutIn), recipients, { chunkSize: C }))
    if (streamed.length !== sealedLength(length, 2, C)) return false
    if (!equalBytes(open(streamed, alice), payload)) return false
    const buffered = seal(payload, recipients, { chunkSize: C })
    const opened = await collect(openStream(pieces(buffered, cutOut), bob))
    const both = await collect(openStream(pieces(streamed, cutOut), alice))
    return equalBytes(opened, payload) && equalBytes(both, payload)
  }), { numRuns: 80 })
  t.pass()
})

test('the streamed output has the same layout whatever the input cutting: header, then whole chunks', async (t) => {
  const payload = patternBytes(3 * C + 7)
  for (const sizes of [[1], [C], [C + 1], [3 * C + 7], [5, 2000, 17]]) {
    const outputs: number[] = []
    for await (const part of sealStream(pieces(payload, sizes), recipients, { chunkSize: C })) outputs.push(part.length)
    t.deepEqual(outputs, [HL, C + 16, C + 16, C + 16, 7 + 16], `cut ${sizes.join(',')}`)
  }
  const empty: number[] = []
  for await (const part of sealStream([], recipients)) empty.push(part.length)
  t.deepEqual(empty, [HL, 16])
})

test('8 MiB through sealStream and openStream in odd pieces: intact, and buffering stays about one chunk', async (t) => {
  const total = 8 * 1024 * 1024 + 12345
  const chunkSize = SEAL_DEFAULT_CHUNK_SIZE
  const oddSizes = [1, 7, 4099, 65_537, 100_003, 13, 65_536]
  const maxPiece = Math.max(...oddSizes)
  const inHash = createHash('sha256')
  let plainProduced = 0
  async function * plaintext (): AsyncGenerator<Uint8Array> {
    for (let i = 0; plainProduced < total; i++) {
      await setImmediate()
      const piece = new Uint8Array(randomBytes(Math.min(oddSizes[i % oddSizes.length]!, total - plainProduced)))
      inHash.update(piece)
      plainProduced += piece.length
      yield piece
    }
  }
  let sealedSeen = 0
  let sealedFed = 0
  let worstSealerBacklog = 0
  let plainOut = 0
  let chunksOut = 0
  let worstOpenerBacklog = 0
  async function * recut (source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    // Re-cut the sealed stream into odd pieces on the way to the opener.
    let i = 0
    for await (const part of source) {
      sealedSeen += part.length
      const sealedBodyOut = Math.max(0, sealedSeen - HL)
      const chunksOut = Math.ceil(sealedBodyOut / (chunkSize + 16))
      worstSealerBacklog = Math.max(worstSealerBacklog, plainProduced - (sealedBodyOut - 16 * chunksOut))
      for (let offset = 0; offset < part.length;) {
        const size = oddSizes[(i++ * 3) % oddSizes.length]!
        const piece = part.subarray(offset, offset + size)
        offset += piece.length
        // What the opener has read but not released yet, just before it reads the next piece.
        worstOpenerBacklog = Math.max(worstOpenerBacklog, sealedFed - HL - (plainOut + 16 * chunksOut))
        sealedFed += piece.length
        yield piece
      }
    }
  }
  const outHash = createHash('sha256')
  for await (const plain of openStream(recut(sealStream(plaintext(), recipients)), bob)) {
    t.true(plain.length <= chunkSize)
    outHash.update(plain)
    plainOut += plain.length
    chunksOut++
  }
  t.is(plainOut, total)
  t.is(chunksOut, Math.ceil(total / chunkSize))
  t.is(outHash.digest('hex'), inHash.digest('hex'))
  t.log(`backlog: opener ${worstOpenerBacklog} B, sealer ${worstSealerBacklog} B`)
  // Bytes read but not yet released: at most one chunk plus the piece being read, on either side.
  t.true(worstOpenerBacklog <= chunkSize + 16 + maxPiece, `opener backlog ${worstOpenerBacklog}`)
  t.true(worstSealerBacklog <= chunkSize + maxPiece, `sealer backlog ${worstSealerBacklog}`)
})

test('a stream tampered in the middle yields the chunks before it, then seal-tampered', async (t) => {
  const payload = patternBytes(4 * C)
  const sealed = seal(payload, recipients, { chunkSize: C })
  sealed[HL + 2 * (C + 16) + 10]! ^= 1
  const got: Uint8Array[] = []
  await t.throwsAsync(async () => {
    for await (const plain of openStream(pieces(sealed, [300]), alice)) got.push(plain)
  }, { code: CryptoErrorCode.SEAL_TAMPERED })
  t.is(got.length, 2)
  t.true(equalBytes(Buffer.concat(got), payload.subarray(0, 2 * C)))
})

test('a truncated stream fails at its end; a stranger fails at the header', async (t) => {
  const sealed = seal(patternBytes(3 * C), recipients, { chunkSize: C })
  await t.throwsAsync(collect(openStream(pieces(sealed.subarray(0, HL + 2 * (C + 16)), [777]), alice)), { code: CryptoErrorCode.SEAL_TAMPERED })
  await t.throwsAsync(collect(openStream(pieces(sealed.subarray(0, HL - 3), [5]), alice)), { code: CryptoErrorCode.SEAL_MALFORMED })
  await t.throwsAsync(collect(openStream(pieces(sealed, [50]), generateNodeKey())), { code: CryptoErrorCode.SEAL_NOT_RECIPIENT })
})

test('bad recipients are refused before the source is read; bad pieces are TypeErrors', async (t) => {
  let read = false
  async function * source (): AsyncGenerator<Uint8Array> {
    await setImmediate()
    read = true
    yield Uint8Array.of(1)
  }
  t.throws(() => sealStream(source(), []), { code: CryptoErrorCode.SEAL_RECIPIENTS })
  t.false(read)
  await t.throwsAsync(collect(sealStream(['text' as unknown as Uint8Array], recipients)), { instanceOf: TypeError })
  await t.throwsAsync(collect(openStream([42 as unknown as Uint8Array], alice)), { instanceOf: TypeError })
})

test('the v1 and v2 golden vectors open through openStream for any cutting (property)', async (t) => {
  const { vectors } = fixture<{ vectors: SealVector[] }>('seal-vectors.json')
  await fc.assert(fc.asyncProperty(fc.constantFrom(...vectors), pieceSizes, async (v, sizes) => {
    const key = nodeKeyFromSeed(fromHex(v.recipientSeeds.at(-1)!))
    return hex(await collect(openStream(pieces(fromHex(v.sealed), sizes), key))) === v.payload
  }), { numRuns: 40 })
  t.pass()
})

test('one and many recipients through sealStream and openStream, cut in 1-byte and odd pieces', async (t) => {
  const keys = Array.from({ length: 12 }, () => generateNodeKey())
  const payload = patternBytes(3 * C + 5, 'many')
  for (const n of [1, 12]) {
    const sealed = await collect(sealStream(pieces(payload, [1, 700]), keys.slice(0, n).map((k) => k.sealingPublicKey), { chunkSize: C }))
    t.is(sealed.length, sealedLength(payload.length, n, C))
    for (const key of keys.slice(0, n)) t.true(equalBytes(await collect(openStream(cut(sealed, [1, 333, 1]), key)), payload), `${n} recipients`)
  }
})
