import test from 'ava'
import { LienthongError, isLienthongError } from '@lienthong/errors'

test('carries a stable code and JSON-safe metadata', (t) => {
  const err = new LienthongError('envelope-too-large', 'too large', { size: 10, limit: 5 })
  t.true(err instanceof Error)
  t.is(err.code, 'envelope-too-large')
  t.deepEqual(JSON.parse(JSON.stringify(err)), { code: 'envelope-too-large', message: 'too large', meta: { size: 10, limit: 5 } })
  t.true(isLienthongError(err))
  t.true(isLienthongError(err, 'envelope-too-large'))
  t.false(isLienthongError(err, 'other'))
  t.false(isLienthongError(new Error('x')))
})

test('refuses a malformed code (a programmer mistake)', (t) => {
  t.throws(() => new LienthongError('Bad Code', 'x'), { instanceOf: TypeError })
})
