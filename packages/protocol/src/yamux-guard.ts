import { YamuxStream } from '@libp2p/yamux/stream'

/**
 * Contain one known yamux 8.0.3 failure: opening an outbound stream queues its first window
 * update in a microtask (muxer.js `onCreateStream`). When the connection closes in between,
 * that write throws `StreamStateError` from the microtask, outside any caller's reach, and the
 * uncaught exception ends the process (upstream js-libp2p-yamux#91, js-libp2p#2505). It was
 * seen to take the coordinator down when a registry announce raced the close of a join
 * assessment's connection.
 *
 * The guard wraps `YamuxStream.prototype.sendWindowUpdate`: a `StreamStateError` (the muxer
 * is closing or closed) is swallowed, since the stream dies with its connection and the caller
 * of `newStream` sees the closed connection on its first write; every other error is rethrown.
 * Installed once, by importing `@lienthong/protocol`.
 */
export function installYamuxGuard (): void {
  const proto = YamuxStream.prototype as YamuxStream & { [GUARDED]?: true }
  if (proto[GUARDED] === true) return
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the stream as `this` below
  const original = proto.sendWindowUpdate
  proto.sendWindowUpdate = function guardedSendWindowUpdate (this: YamuxStream): void {
    try {
      original.call(this)
    } catch (err) {
      if (err instanceof Error && err.name === 'StreamStateError') {
        this.log?.('window update on a closed muxer dropped: %s', err.message)
        return
      }
      throw err
    }
  }
  proto[GUARDED] = true
}

const GUARDED = Symbol.for('@lienthong/protocol/yamux-guard')
