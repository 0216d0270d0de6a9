import test, { type ExecutionContext } from 'ava'
import fc from 'fast-check'
import {
  CryptoErrorCode, SEAL_DEFAULT_CHUNK_SIZE, SEAL_MAX_CHUNK_SIZE,
  createOpener, createSealer, generateNodeKey, open, seal, sealedLength, sha256, type NodeKey
} from '@lienthong/crypto'
import { equalBytes, hex, patternBytes } from './helpers.js'
import { specOpen } from './seal-spec.js'

const C = 1024 // the smallest chunk size, so multi-chunk cases stay small
const keys: NodeKey[] = Array.from({ length: 50 }, () => generateNodeKey())
const pubs = (n: number): Uint8Array[] => keys.slice(0, n).map((k) => k.sealingPublicKey)
const stranger = generateNodeKey()
// Format v2: magic 4 | ephPub 32 | salt 16 | u16 n | n × 80 | u32 chunkSize.
const headerLength = (n: number): number => 54 + 80 * n + 4
const S = 54 // first stanza

test('every recipient opens, for 1 to 50 recipients', (t) => {
  const payload = patternBytes(3000)
  for (const n of [1, 2, 3, 7, 20, 50]) {
    const sealed = seal(payload, pubs(n), { chunkSize: C })
    t.is(sealed.length, sealedLength(payload.length, n, C))
    for (const key of keys.slice(0, n)) t.true(equalBytes(open(sealed, key), payload), `${n} recipients`)
    t.throws(() => open(sealed, keys[n] ?? stranger), { code: CryptoErrorCode.SEAL_NOT_RECIPIENT })
  }
})

test('round trip for payload sizes around chunk boundaries (property)', (t) => {
  const size = fc.oneof(
    fc.constantFrom(0, 1, C - 1, C, C + 1, 2 * C - 1, 2 * C, 2 * C + 1, 5 * C),
    fc.nat({ max: 6 * C })
  )
  fc.assert(fc.property(size, fc.integer({ min: 1, max: 4 }), (length, n) => {
    const payload = patternBytes(length, `p${length}`)
    const sealed = seal(payload, pubs(n), { chunkSize: C })
    return sealed.length === sealedLength(length, n, C) &&
      keys.slice(0, n).every((key) => equalBytes(open(sealed, key), payload))
  }), { numRuns: 120 })
  t.pass()
})

test('the default chunk size is 64 KiB and an empty payload is one 16-byte chunk', (t) => {
  const sealed = seal(new Uint8Array(0), pubs(1))
  t.is(sealed.length, headerLength(1) + 16)
  t.is(Buffer.from(sealed).readUInt32BE(headerLength(1) - 4), SEAL_DEFAULT_CHUNK_SIZE)
  t.is(open(sealed, keys[0]!).length, 0)
  const big = patternBytes(SEAL_DEFAULT_CHUNK_SIZE * 2 + 5)
  t.true(equalBytes(open(seal(big, pubs(2)), keys[1]!), big))
})

test('the bytes follow the documented format (opened here with node:crypto alone)', (t) => {
  const payload = patternBytes(2 * C + 100)
  const sealed = Buffer.from(seal(payload, pubs(3), { chunkSize: C }))
  t.is(sealed.subarray(0, 4).toString('latin1'), 'LTS2')
  t.is(sealed.readUInt16BE(52), 3)
  for (let i = 0; i < 3; i++) t.is(hex(sealed.subarray(S + 80 * i, S + 32 + 80 * i)), hex(keys[i]!.sealingPublicKey))
  t.is(sealed.readUInt32BE(headerLength(3) - 4), C)
  t.is(sealed.length, headerLength(3) + 2 * (C + 16) + 100 + 16)
  // test/seal-spec.ts: the format as documented, with node:crypto and none of the package's code.
  for (const key of keys.slice(0, 3)) t.true(equalBytes(specOpen(sealed, key.sealingPrivateKey), payload))
})

test('sealing is randomized: a fresh data key and salt every time', (t) => {
  const payload = patternBytes(100)
  const a = seal(payload, pubs(2), { chunkSize: C })
  const b = seal(payload, pubs(2), { chunkSize: C })
  t.false(equalBytes(a.subarray(36, 52), b.subarray(36, 52)), 'salt')
  t.false(equalBytes(a.subarray(S + 32, S + 80), b.subarray(S + 32, S + 80)), 'wrapped key')
  t.false(equalBytes(a.subarray(-116), b.subarray(-116)), 'body')
})

// Layout for the tamper tests: 3 recipients, chunk size C, payload 3C + 10 -> chunks C, C, C, 10.
const payload = patternBytes(3 * C + 10)
const sealed = seal(payload, pubs(3), { chunkSize: C })
const HL = headerLength(3)
const chunkAt = (i: number): number => HL + i * (C + 16)
const me = keys[0]! // stanza 0
const flip = (at: number): Uint8Array => {
  const copy = Uint8Array.from(sealed)
  copy[at]! ^= 0x01
  return copy
}
const splice = (...parts: Array<[number, number]>): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map(([from, to]) => sealed.subarray(from, to))))
// Both ways of opening must refuse alike: `open` (the whole buffer, parsed and opened in place)
// and `createOpener` fed in pieces (the streaming path).
const openInPieces = (bytes: Uint8Array, key: NodeKey): Uint8Array => {
  const opener = createOpener(key)
  const out: Uint8Array[] = []
  for (let offset = 0; offset < bytes.length; offset += 700) out.push(...opener.push(bytes.subarray(offset, offset + 700)))
  out.push(opener.finish())
  return new Uint8Array(Buffer.concat(out))
}
const refuses = (t: ExecutionContext, bytes: Uint8Array, code: string, label: string): void => {
  t.throws(() => open(bytes, me), { code }, `${label} (open)`)
  t.throws(() => openInPieces(bytes, me), { code }, `${label} (in pieces)`)
}

test('a modified byte anywhere in the body, or in its tags, is seal-tampered', (t) => {
  for (const at of [chunkAt(0), chunkAt(1) + 5, chunkAt(2) + C + 15, chunkAt(3), sealed.length - 1]) {
    refuses(t, flip(at), CryptoErrorCode.SEAL_TAMPERED, `byte ${at}`)
  }
})

test('a modified header is refused with the code that fits', (t) => {
  const tampered = [
    4 + 7, // ephemeral key: unwrapping fails
    36, // the salt's first bytes, the wrap's nonce: unwrapping fails
    51, // its last byte, only in the header: the AAD differs
    S + 32 + 3, // our wrapped data key
    S + 80 + 3, // another recipient's key: the header (AAD) differs
    S + 160 + 40, // another recipient's wrapped key
    HL - 1 // chunk size 1024 -> 1025: boundaries and AAD differ
  ]
  for (const at of tampered) refuses(t, flip(at), CryptoErrorCode.SEAL_TAMPERED, `byte ${at}`)
  refuses(t, flip(S), CryptoErrorCode.SEAL_NOT_RECIPIENT, 'our recipient key')
  for (const at of [0, 3, 52, HL - 4]) refuses(t, flip(at), CryptoErrorCode.SEAL_MALFORMED, `byte ${at}`)
})

test('malformed inputs are seal-malformed', (t) => {
  const withHeader = (edit: (b: Buffer) => void): Uint8Array => {
    const copy = Buffer.from(sealed)
    edit(copy)
    return new Uint8Array(copy)
  }
  const cases: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    magicOnly: sealed.subarray(0, 4),
    short: sealed.subarray(0, 20),
    cutInSalt: sealed.subarray(0, 40),
    cutBeforeCount: sealed.subarray(0, 52),
    cutInStanza: sealed.subarray(0, S + 100),
    truncatedHeader: sealed.subarray(0, HL - 1),
    unknownMagic: withHeader((b) => b.write('LTS3', 0, 'latin1')),
    noRecipient: withHeader((b) => b.writeUInt16BE(0, 52)),
    tooManyRecipients: withHeader((b) => b.writeUInt16BE(1001, 52)),
    chunkTooSmall: withHeader((b) => b.writeUInt32BE(1023, HL - 4)),
    chunkTooLarge: withHeader((b) => b.writeUInt32BE(SEAL_MAX_CHUNK_SIZE + 1, HL - 4)),
    duplicateStanza: withHeader((b) => b.copy(b, S + 80, S, S + 80)),
    lowOrderEphemeral: withHeader((b) => b.fill(0, 4, 36))
  }
  for (const [name, bytes] of Object.entries(cases)) refuses(t, bytes, CryptoErrorCode.SEAL_MALFORMED, name)
})

test('truncation, reordering, dropping and extension are seal-tampered', (t) => {
  const end = sealed.length
  const cases: Record<string, Uint8Array> = {
    headerOnly: sealed.subarray(0, HL),
    lastChunkDropped: sealed.subarray(0, chunkAt(3)),
    cutInLastChunk: sealed.subarray(0, end - 1),
    cutInTag: sealed.subarray(0, chunkAt(3) + 5),
    cutMidChunk: sealed.subarray(0, chunkAt(1) + 100),
    swapped: splice([0, chunkAt(0)], [chunkAt(1), chunkAt(2)], [chunkAt(0), chunkAt(1)], [chunkAt(2), end]),
    middleDropped: splice([0, chunkAt(1)], [chunkAt(2), end]),
    chunkRepeated: splice([0, chunkAt(3)], [chunkAt(2), end]),
    extendedWithChunk: splice([0, end], [chunkAt(0), chunkAt(1)]),
    extendedWithByte: new Uint8Array([...sealed, 0])
  }
  for (const [name, bytes] of Object.entries(cases)) refuses(t, bytes, CryptoErrorCode.SEAL_TAMPERED, name)
  t.true(equalBytes(open(sealed, me), payload))
  t.true(equalBytes(openInPieces(sealed, me), payload))
})

test('recipient lists and options are checked', (t) => {
  const p = Uint8Array.of(1)
  t.throws(() => seal(p, []), { code: CryptoErrorCode.SEAL_RECIPIENTS })
  t.throws(() => seal(p, Array.from({ length: 1001 }, (_, i) => { const k = new Uint8Array(32); k[0] = i & 255; k[1] = i >> 8; k[31] = 9; return k })), { code: CryptoErrorCode.SEAL_RECIPIENTS })
  t.throws(() => seal(p, [pubs(1)[0]!, pubs(2)[1]!, Uint8Array.from(pubs(1)[0]!)]), { code: CryptoErrorCode.SEAL_RECIPIENTS })
  t.throws(() => seal(p, [pubs(1)[0]!, new Uint8Array(32)]), { code: CryptoErrorCode.SEAL_RECIPIENTS })
  t.throws(() => seal(p, [new Uint8Array(31)]), { code: CryptoErrorCode.BAD_LENGTH })
  t.throws(() => seal(p, pubs(1), { chunkSize: 1023 }), { instanceOf: RangeError })
  t.throws(() => seal(p, pubs(1), { chunkSize: SEAL_MAX_CHUNK_SIZE + 1 }), { instanceOf: RangeError })
  t.throws(() => seal('text' as unknown as Uint8Array, pubs(1)), { instanceOf: TypeError })
  t.throws(() => open(sealed, {} as NodeKey), { instanceOf: TypeError })
})

test('1000 recipients is the limit, and the last one opens', (t) => {
  const many = Array.from({ length: 999 }, (_, i) => { const k = new Uint8Array(32); k.set(sha256(Uint8Array.of(i >> 8, i & 255)), 0); return k })
  const sealed1000 = seal(Uint8Array.of(42), [...many, me.sealingPublicKey], { chunkSize: C })
  t.is(sealed1000.length, sealedLength(1, 1000, C))
  t.deepEqual(open(sealed1000, me), Uint8Array.of(42))
})

test('createSealer / createOpener fed piece by piece give the same result as seal / open', (t) => {
  const sealer = createSealer(pubs(2), { chunkSize: C })
  const parts: Uint8Array[] = [sealer.header]
  for (let offset = 0; offset < payload.length; offset += 333) parts.push(...sealer.push(payload.subarray(offset, offset + 333)))
  parts.push(sealer.finish())
  const whole = new Uint8Array(Buffer.concat(parts))
  t.is(whole.length, sealedLength(payload.length, 2, C))
  t.true(equalBytes(open(whole, keys[1]!), payload))
  const opener = createOpener(keys[0]!)
  const out: Uint8Array[] = []
  for (let offset = 0; offset < whole.length; offset += 1) out.push(...opener.push(whole.subarray(offset, offset + 1)))
  out.push(opener.finish())
  t.true(equalBytes(Buffer.concat(out), payload))
  t.throws(() => opener.finish(), { instanceOf: TypeError })
})
