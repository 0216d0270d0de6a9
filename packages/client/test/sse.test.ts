import test from 'ava'
import fc from 'fast-check'
import { readSse, SseParser, type SseEvent } from '@lienthong/client'

function parseAll (chunks: string[]): SseEvent[] {
  const parser = new SseParser()
  return chunks.flatMap((c) => parser.push(c))
}

test('parses fields, comments, multi-line data and the default event name', (t) => {
  const events = parseAll([': keep-alive\n', 'event: document\nid: c1\ndata: {"a":1}\n\n', 'data: one\ndata: two\n\n'])
  t.deepEqual(events, [
    { event: 'document', id: 'c1', data: '{"a":1}' },
    // The last event id persists; the event name does not.
    { event: 'message', id: 'c1', data: 'one\ntwo' }
  ])
})

test('CRLF, LF and CR all end lines, even when a CRLF is split across chunks', (t) => {
  t.deepEqual(parseAll(['id: 1\r', '\ndata: x\r\n\r', '\n']), [{ event: 'message', id: '1', data: 'x' }])
  t.deepEqual(parseAll(['data: y\r\rdata: z\n\n']), [{ event: 'message', id: '', data: 'y' }, { event: 'message', id: '', data: 'z' }])
})

test('a block without data dispatches nothing; an id with NUL is ignored; retry is read', (t) => {
  const parser = new SseParser()
  t.deepEqual(parser.push('event: document\nid: 5\n\n'), [])
  t.is(parser.lastEventId, '5')
  t.deepEqual(parser.push('id: a\0b\nretry: 1500\ndata\n\n'), [{ event: 'message', id: '5', data: '', retry: 1500 }])
})

test('an unterminated last block is dropped', async (t) => {
  async function * body (): AsyncGenerator<Uint8Array> {
    await Promise.resolve()
    yield new TextEncoder().encode('data: complete\n\ndata: cut off')
  }
  const events: SseEvent[] = []
  for await (const e of readSse(body())) events.push(e)
  t.deepEqual(events.map((e) => e.data), ['complete'])
})

test('multi-byte UTF-8 split across byte chunks decodes intact', async (t) => {
  const bytes = new TextEncoder().encode('data: Văn phòng Chính phủ\n\n')
  async function * body (): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += 3) {
      await Promise.resolve()
      yield bytes.subarray(i, i + 3)
    }
  }
  const events: SseEvent[] = []
  for await (const e of readSse(body())) events.push(e)
  t.deepEqual(events.map((e) => e.data), ['Văn phòng Chính phủ'])
})

const fieldValue = fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', ':', '{', '"', '1'), maxLength: 12 })
const block = fc.record({ event: fc.option(fc.constantFrom('document', 'ping'), { nil: undefined }), id: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { nil: undefined }), data: fc.array(fieldValue, { minLength: 1, maxLength: 3 }) })
const newline = fc.constantFrom('\n', '\r\n', '\r')

test('property: the events do not depend on where the stream is cut or which line ending is used', (t) => {
  fc.assert(fc.property(fc.array(block, { maxLength: 6 }), newline, fc.array(fc.nat(), { maxLength: 8 }), (blocks, nl, cuts) => {
    let text = ''
    const expected: SseEvent[] = []
    let lastId = ''
    for (const b of blocks) {
      if (b.event !== undefined) text += `event: ${b.event}${nl}`
      if (b.id !== undefined) { text += `id: ${b.id}${nl}`; lastId = b.id }
      for (const d of b.data) text += `data: ${d}${nl}`
      text += nl
      expected.push({ event: b.event ?? 'message', id: lastId, data: b.data.join('\n') })
    }
    const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
    const chunks: string[] = []
    let from = 0
    for (const p of points) { chunks.push(text.slice(from, p)); from = p }
    chunks.push(text.slice(from))
    t.deepEqual(parseAll(chunks), expected)
  }), { numRuns: 200 })
})
