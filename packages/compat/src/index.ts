/**
 * Runtime shims that must be in place before libp2p runs.
 *
 * Node 20 lacks `Promise.withResolvers` (ES2024), which libp2p 3, yamux, `@libp2p/utils`,
 * `it-queue` and `mortice` call. Without it the listening side fails inside Noise and the
 * dialer only sees ECONNRESET. Every entry point loads this module first: the CLIs import it
 * on their first line, tests and benchmarks get it through `node --import @lienthong/compat`,
 * and `@lienthong/protocol` imports it too, so that any code building a libp2p host has it.
 *
 * @example
 * ```ts
 * import '@lienthong/compat'
 * ```
 */

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseWithResolvers = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }

const HAS_NATIVE_WITH_RESOLVERS = typeof PromiseWithResolvers.withResolvers === 'function'

if (!HAS_NATIVE_WITH_RESOLVERS) {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T> (): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve']
      let reject!: Resolvers<T>['reject']
      const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}

/** True when this module had to install `Promise.withResolvers` (i.e. on Node 20). */
export const POLYFILLED_WITH_RESOLVERS: boolean = !HAS_NATIVE_WITH_RESOLVERS
