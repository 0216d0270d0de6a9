import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { isMultiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Connection, Logger, PeerId, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import { libp2pPrivateKey, type NodeKey } from '@lienthong/crypto'
import { LienthongError, type ErrorMeta } from '@lienthong/errors'
import { DEFAULT_LOG_NAME, STOP_CLOSE_TIMEOUT_MS } from './constants.js'
import { checkTimeout, deadlineSignal } from './deadline.js'
import { dialError, ProtocolErrorCode, toError } from './errors.js'
import { checkProtocol, parseTarget, type PeerTarget } from './target.js'
import { installYamuxGuard } from './yamux-guard.js'

/** Decides which remote peers may connect to us and be dialled by us. */
export interface PeerGate {
  /** True when this PeerId (`12D3KooW…`) may hold a connection with us. Must be fast and synchronous. */
  isAllowed: (peerId: string) => boolean
}

/** What `createHost` needs. */
export interface HostInit {
  /** The node's identity: its ed25519 key authenticates the Noise channel and is the PeerId. */
  key: NodeKey
  /** Multiaddrs to listen on, e.g. `/ip4/127.0.0.1/tcp/0`. May be empty for a dial-only host. */
  listen: string[]
  /** Peer allow-list consulted on both sides of every connection; absent = allow every peer. */
  gate?: PeerGate
  /** Logger component name (default `lienthong:protocol`); enable with `DEBUG=lienthong:*`. */
  logName?: string
  /**
   * New inbound connections accepted per second from one IP address (libp2p's
   * `inboundConnectionThreshold`, default 5) and handshakes pending at once (default 10). The
   * coordinator, which every node dials (all at once after it restarts, or many from behind one
   * NAT), raises them; the gate still refuses unknown peers after the handshake.
   */
  inbound?: { perHostPerSecond?: number, maxPending?: number }
}

/** Options of `Host.dial` / `Host.dialProtocol`. */
export interface HostDialOptions {
  /** Caller's cancellation; an abort maps to `protocol-aborted`. */
  signal?: AbortSignal
  /** Deadline; when it passes the dial fails with `protocol-timeout`. */
  timeoutMs?: number
}

/** A started libp2p node (tcp + noise + yamux) with the gate and typed errors built in. */
export interface Host {
  /** Our PeerId string. */
  readonly peerId: string
  /** The libp2p node underneath, for events (`connection:open`, `connection:close`) and rare needs. */
  readonly node: Libp2p
  /** Logger scoped to this host. */
  readonly log: Logger
  /** The addresses we listen on, each ending in `/p2p/<peerId>`. */
  readonly multiaddrs: string[]
  /** What the gate says about a peer (false if the gate throws). */
  isAllowed: (peerId: string) => boolean
  /** Connect to a peer (reusing an open connection). Refused at once with `protocol-dial-refused` if the gate denies it. */
  dial: (target: PeerTarget, options?: HostDialOptions) => Promise<Connection>
  /** Open a stream for one protocol; errors are typed LienthongErrors (see ProtocolErrorCode). */
  dialProtocol: (target: PeerTarget, protocol: string, options?: HostDialOptions) => Promise<Stream>
  /** Register a stream handler; streams from peers the gate no longer allows are cut before it runs. */
  handle: (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) => Promise<void>
  /** Remove a stream handler. */
  unhandle: (protocol: string) => Promise<void>
  /** Tell the peer store where a peer listens, so that it can be dialled by PeerId. */
  addPeerAddresses: (peerId: string, multiaddrs: string[]) => Promise<void>
  /** PeerIds we hold at least one open connection with. */
  connectedPeers: () => string[]
  /** Abort every connection with this peer at once; returns how many were cut. */
  closeConnectionsTo: (peerId: string) => number
  /** Abort every connection whose peer the gate no longer allows; returns the PeerIds cut. */
  refreshGate: () => string[]
  /** Stop listening and close every connection. Safe to call twice. */
  stop: () => Promise<void>
}

/**
 * Close one connection gracefully, bounded by STOP_CLOSE_TIMEOUT_MS. Also settles on the
 * connection's `close` event: in libp2p 3.3.11, close() of a connection the remote has just
 * reset (EPIPE) waits for a `drain` that never comes, until its signal fires.
 */
async function closeConnection (connection: Connection): Promise<void> {
  if (connection.status !== 'open') return
  const closed = new Promise<void>(resolve => { connection.addEventListener('close', () => { resolve() }, { once: true }) })
  const closing = connection.close({ signal: AbortSignal.timeout(STOP_CLOSE_TIMEOUT_MS) })
    .catch((err: unknown) => { connection.abort(toError(err)) })
  await Promise.race([closed, closing])
}

class Libp2pHost implements Host {
  readonly peerId: string
  readonly log: Logger
  private readonly gate: PeerGate | undefined
  private stopped = false

  constructor (readonly node: Libp2p, gate: PeerGate | undefined, logName: string) {
    this.peerId = node.peerId.toString()
    this.gate = gate
    this.log = node.logger.forComponent(logName)
  }

  get multiaddrs (): string[] {
    return this.node.getMultiaddrs().map(ma => ma.toString())
  }

  isAllowed (peerId: string): boolean {
    if (this.gate == null) return true
    try {
      return this.gate.isAllowed(peerId) === true
    } catch (err) {
      // Fail closed: a broken gate must not let strangers in.
      this.log.error('gate threw, denying peer %s - %e', peerId, err)
      return false
    }
  }

  async dial (target: PeerTarget, options: HostDialOptions = {}): Promise<Connection> {
    const { dialTarget, peerId } = parseTarget(target)
    const signal = this.signal(options)
    const meta = this.meta(peerId, target)
    this.checkGate(peerId, meta)
    try {
      return await this.node.dial(dialTarget, { signal })
    } catch (err) {
      throw dialError(err, signal, meta)
    }
  }

  async dialProtocol (target: PeerTarget, protocol: string, options: HostDialOptions = {}): Promise<Stream> {
    checkProtocol(protocol)
    const { dialTarget, peerId } = parseTarget(target)
    const signal = this.signal(options)
    const meta = { ...this.meta(peerId, target), protocol }
    this.checkGate(peerId, meta)
    try {
      return await this.node.dialProtocol(dialTarget, protocol, { signal })
    } catch (err) {
      throw dialError(err, signal, meta)
    }
  }

  async handle (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void> {
    checkProtocol(protocol)
    if (typeof handler !== 'function') throw new TypeError('handler must be a function')
    await this.node.handle(protocol, (stream, connection) => {
      const remote = connection.remotePeer.toString()
      if (!this.isAllowed(remote)) {
        // The gate changed since this connection opened and refreshGate() has not run yet.
        const err = new LienthongError(ProtocolErrorCode.PEER_NOT_ALLOWED, 'peer is not allowed', { peer: remote, protocol })
        stream.abort(err)
        connection.abort(err)
        return
      }
      return handler(stream, connection)
    }, options)
  }

  async unhandle (protocol: string): Promise<void> {
    await this.node.unhandle(protocol)
  }

  async addPeerAddresses (peerId: string, multiaddrs: string[]): Promise<void> {
    const { dialTarget } = parseTarget(peerId)
    if (isMultiaddr(dialTarget)) throw new TypeError('peerId must be a PeerId string')
    if (!Array.isArray(multiaddrs)) throw new TypeError('multiaddrs must be an array of strings')
    const addrs = multiaddrs.map(a => parseTarget(a).dialTarget).filter(isMultiaddr)
    if (addrs.length !== multiaddrs.length) throw new TypeError('multiaddrs must be multiaddr strings')
    await this.node.peerStore.merge(dialTarget, { multiaddrs: addrs })
  }

  connectedPeers (): string[] {
    return [...new Set(this.node.getConnections().map(c => c.remotePeer.toString()))]
  }

  closeConnectionsTo (peerId: string): number {
    if (typeof peerId !== 'string') throw new TypeError('peerId must be a string')
    let cut = 0
    for (const connection of this.node.getConnections()) {
      if (connection.remotePeer.toString() !== peerId) continue
      connection.abort(new LienthongError(ProtocolErrorCode.PEER_NOT_ALLOWED, 'connection closed by this host', { peer: peerId }))
      cut++
    }
    if (cut > 0) this.log('cut %d connection(s) to %s', cut, peerId)
    return cut
  }

  refreshGate (): string[] {
    const denied = this.connectedPeers().filter(peer => !this.isAllowed(peer))
    for (const peer of denied) this.closeConnectionsTo(peer)
    return denied
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    // Close connections ourselves first: left to node.stop(), a connection the remote is closing
    // at the same moment costs a fixed 500 ms wait in libp2p's connection manager.
    await Promise.all(this.node.getConnections().map(closeConnection))
    await this.node.stop()
  }

  private signal (options: HostDialOptions): AbortSignal | undefined {
    if (options.timeoutMs != null) checkTimeout('timeoutMs', options.timeoutMs)
    return deadlineSignal(options.timeoutMs, options.signal)
  }

  private meta (peerId: string | undefined, target: PeerTarget): ErrorMeta {
    return { peer: peerId ?? target.toString() }
  }

  private checkGate (peerId: string | undefined, meta: ErrorMeta): void {
    // Checked here as well as in the gater: libp2p reuses an open connection without asking it.
    if (peerId != null && !this.isAllowed(peerId)) {
      throw new LienthongError(ProtocolErrorCode.DIAL_REFUSED, 'the gate refuses this peer', meta)
    }
  }
}

installYamuxGuard()

async function startHost (init: HostInit): Promise<Libp2pHost> {
  // Built stopped, so that the gater can consult the host from the first connection on.
  const ref: { host?: Libp2pHost } = {}
  const deny = (peerId: PeerId): boolean => ref.host?.isAllowed(peerId.toString()) !== true
  const node = await createLibp2p({
    start: false,
    privateKey: libp2pPrivateKey(init.key),
    addresses: { listen: init.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(init.inbound === undefined
      ? {}
      : {
          connectionManager: {
            ...(init.inbound.perHostPerSecond === undefined ? {} : { inboundConnectionThreshold: init.inbound.perHostPerSecond }),
            ...(init.inbound.maxPending === undefined ? {} : { maxIncomingPendingConnections: init.inbound.maxPending })
          }
        }),
    connectionGater: {
      denyDialPeer: deny,
      denyInboundEncryptedConnection: deny,
      denyOutboundEncryptedConnection: deny
    }
  })
  const host = new Libp2pHost(node, init.gate, init.logName ?? DEFAULT_LOG_NAME)
  ref.host = host
  try {
    await node.start()
  } catch (err) {
    try {
      await node.stop()
    } catch {
      // already failing: report the start error, not the cleanup one
    }
    throw err
  }
  return host
}

/**
 * Create and start a libp2p host: TCP + Noise + yamux, identity from the NodeKey, no other
 * services (request/response needs no identify: multistream-select runs on every stream). The
 * gate is applied symmetrically (stack-notes gotcha 10): we do not dial a denied peer, and a
 * connection whose authenticated PeerId is denied is dropped on either side.
 */
export async function createHost (init: HostInit): Promise<Host> {
  if (init == null || typeof init !== 'object') throw new TypeError('init must be an object')
  if (!(init.key?.seed instanceof Uint8Array)) throw new TypeError('init.key must be a NodeKey')
  if (!Array.isArray(init.listen) || !init.listen.every(a => typeof a === 'string')) {
    throw new TypeError('init.listen must be an array of multiaddr strings')
  }
  if (init.gate != null && typeof init.gate.isAllowed !== 'function') throw new TypeError('init.gate.isAllowed must be a function')
  for (const [name, value] of Object.entries(init.inbound ?? {})) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new TypeError(`init.inbound.${name} must be a positive integer`)
  }
  let host: Libp2pHost
  try {
    host = await startHost(init)
  } catch (err) {
    throw new LienthongError(ProtocolErrorCode.HOST_START_FAILED, 'could not start the libp2p host', {
      listen: init.listen,
      reason: err instanceof Error ? err.name : typeof err
    }, { cause: err })
  }
  host.log('started %s listening on %s', host.peerId, host.multiaddrs.join(' '))
  return host
}
