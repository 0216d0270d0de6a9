import test from 'ava'
import { Emitter, silentLogger, type Logger } from '@lienthong/errors'

interface Events { applied: { seq: number }, alarm: { code: string } }

test('listeners run in order, per type; the returned function removes one', t => {
  const events = new Emitter<Events>(silentLogger, 'test')
  const seen: string[] = []
  const off = events.on('applied', e => { seen.push(`a${e.seq}`) })
  events.on('applied', e => { seen.push(`b${e.seq}`) })
  events.on('alarm', e => { seen.push(e.code) })
  events.emit('applied', { seq: 1 })
  off()
  events.emit('applied', { seq: 2 })
  events.emit('alarm', { code: 'registry-fork' })
  t.deepEqual(seen, ['a1', 'b1', 'b2', 'registry-fork'])
  t.throws(() => events.on('applied', 'nope' as never), { instanceOf: TypeError })
})

test('a listener that throws is logged by error name and does not stop the others', t => {
  const logged: Array<{ context: object, message: string }> = []
  const log: Logger = { ...silentLogger, error: (context, message) => { logged.push({ context, message }) } }
  const events = new Emitter<Events>(log, 'registry')
  const seen: number[] = []
  events.on('applied', () => { throw new RangeError('secret detail') })
  events.on('applied', e => { seen.push(e.seq) })
  t.notThrows(() => { events.emit('applied', { seq: 7 }) })
  t.deepEqual(seen, [7])
  t.deepEqual(logged, [{ context: { event: 'applied', err: 'RangeError' }, message: 'registry event listener threw' }])
})
