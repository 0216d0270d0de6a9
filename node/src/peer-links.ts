import type { Logger } from '@lienthong/errors'
import type { Host, RegistryReplica } from '@lienthong/protocol'

export interface PeerLinksInit {
  host: Host
  replica: RegistryReplica
  coordinator: { peerId: string, addresses: string[] }
  /** Admitted peers to keep connected besides the coordinator (registry heads spread over them). */
  meshPeers: number
  logger: Logger
  /** How often links are checked and re-dialled (default 10 s). */
  intervalMs?: number
  /** Called on a tick while the coordinator is not connected over libp2p (HTTP catch-up). */
  whenCoordinatorAway?: () => Promise<void>
}

/** What the node knows about its links, for health. */
export interface LinkStatus {
  coordinatorConnected: boolean
  coordinatorLastConnectedAt: number | null
  peersConnected: number
}

const DIAL_TIMEOUT_MS = 5_000

/**
 * Keeps this node connected to the coordinator and to a few other admitted nodes, so registry
 * changes reach it even when the coordinator is away (heads are passed on peer to peer).
 * Dials are best effort: failures are logged at debug level and retried on the next tick.
 */
export class PeerLinks {
  readonly #init: PeerLinksInit
  #timer: NodeJS.Timeout | undefined
  #running = false
  #coordinatorLastConnectedAt: number | null = null

  constructor (init: PeerLinksInit) {
    this.#init = init
  }

  start (): void {
    this.#timer = setInterval(() => { this.refresh() }, this.#init.intervalMs ?? 10_000)
    this.#timer.unref()
    this.refresh()
  }

  stop (): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  status (): LinkStatus {
    const connected = this.#init.host.connectedPeers()
    const coordinatorConnected = connected.includes(this.#init.coordinator.peerId)
    if (coordinatorConnected) this.#coordinatorLastConnectedAt = Date.now()
    return { coordinatorConnected, coordinatorLastConnectedAt: this.#coordinatorLastConnectedAt, peersConnected: connected.length }
  }

  /** Check links now (coalesces with a check already running). */
  refresh (): void {
    if (this.#running) return
    this.#running = true
    this.#ensure().catch((err: unknown) => {
      this.#init.logger.warn({ err: (err as Error).message }, 'peer link check failed')
    }).finally(() => { this.#running = false })
  }

  async #ensure (): Promise<void> {
    const { host, replica, coordinator, meshPeers, logger } = this.#init
    const connected = new Set(host.connectedPeers())
    if (connected.has(coordinator.peerId)) {
      this.#coordinatorLastConnectedAt = Date.now()
    } else {
      await host.addPeerAddresses(coordinator.peerId, coordinator.addresses)
      try {
        await host.dial(coordinator.peerId, { timeoutMs: DIAL_TIMEOUT_MS })
        this.#coordinatorLastConnectedAt = Date.now()
      } catch (err) {
        logger.debug({ code: (err as { code?: string }).code }, 'coordinator not reachable over libp2p')
        // Not admitted yet (the coordinator's gate refuses us) or libp2p blocked: read the
        // public log over HTTP instead, so an approval or revocation still reaches us.
        await this.#init.whenCoordinatorAway?.().catch((e: unknown) => { logger.debug({ err: (e as Error).message }, 'HTTP catch-up failed') })
      }
    }
    // The coordinator (which also hosts the test service as a node) has its own link above.
    const candidates = [...replica.state.nodes.values()].filter((n) =>
      n.peerId !== host.peerId && n.peerId !== coordinator.peerId && (n.state === 'trial' || n.state === 'official') && n.addresses.length > 0)
    const meshConnected = candidates.filter((n) => connected.has(n.peerId)).length
    const missing = meshPeers - meshConnected
    if (missing <= 0) return
    const pick = candidates.filter((n) => !connected.has(n.peerId)).sort(() => Math.random() - 0.5).slice(0, missing)
    await Promise.all(pick.map(async (n) => {
      try {
        await host.addPeerAddresses(n.peerId, [...n.addresses])
        await host.dial(n.peerId, { timeoutMs: DIAL_TIMEOUT_MS })
      } catch (err) {
        logger.debug({ peer: n.peerId, code: (err as { code?: string }).code }, 'mesh peer not reachable')
      }
    }))
  }
}
