import test from 'ava'
import fc from 'fast-check'
import { forNative, keyBytes, prefixed, transientBytes } from '../src/transient.js'

test('transient pieces are zeroed, exactly sized and never share a byte, across slabs and for large requests', t => {
  const pieces: Uint8Array[] = []
  // Well past one 64 KiB slab, with sizes around the 4 KiB limit.
  for (const length of [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4096, 4097, 10_000]) {
    for (let i = 0; i < 20; i++) pieces.push(transientBytes(length))
  }
  pieces.forEach((piece, index) => {
    t.true(piece.every(byte => byte === 0), `piece ${index} is zeroed`)
    piece.fill((index % 255) + 1)
  })
  // Writing every piece left every other piece as written: no two overlap.
  pieces.forEach((piece, index) => { t.true(piece.every(byte => byte === (index % 255) + 1), `piece ${index} kept its bytes`) })
})

test('keyBytes writes ASCII parts byte for byte and anything else as UTF-8, like TextEncoder', t => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 40 })), { maxLength: 5 }), parts => {
    const expected = Buffer.concat(parts.map(p => typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))
    t.deepEqual(Buffer.from(keyBytes(...parts)), expected)
  }))
})

test('prefixed and forNative give the same bytes as a copy would', t => {
  const prefix = Uint8Array.of(33, 111, 33)
  t.deepEqual([...prefixed(prefix, Uint8Array.of(1, 2, 3))], [33, 111, 33, 1, 2, 3])
  t.deepEqual([...prefixed(prefix, new Uint8Array(0))], [33, 111, 33])
  const small = Uint8Array.of(9, 8, 7)
  const copy = forNative(small)
  t.deepEqual([...copy], [9, 8, 7])
  t.not(copy, small)
  const large = new Uint8Array(100).fill(5)
  t.is(forNative(large), large, 'large arrays are passed as they are')
})
