import test from 'ava'
import '@lienthong/compat'

test('Promise.withResolvers exists and settles the promise it returns', async (t) => {
  const withResolvers = (Promise as unknown as { withResolvers: <T>() => { promise: Promise<T>, resolve: (v: T) => void, reject: (e: unknown) => void } }).withResolvers
  t.is(typeof withResolvers, 'function')
  const a = withResolvers.call(Promise) as { promise: Promise<number>, resolve: (v: number) => void }
  a.resolve(42)
  t.is(await a.promise, 42)
  const b = withResolvers.call(Promise) as { promise: Promise<number>, reject: (e: unknown) => void }
  b.reject(new Error('boom'))
  await t.throwsAsync(b.promise, { message: 'boom' })
})
