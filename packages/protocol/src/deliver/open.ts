import { DELIVER_PROTOCOL } from '../constants.js'
import { checkTimeout } from '../deadline.js'
import type { Host } from '../host.js'
import type { PeerTarget } from '../target.js'
import { DeliveryChannel, type DeliveryChannelOptions } from './channel.js'
import { DEFAULT_DELIVERY_DIAL_TIMEOUT_MS } from './constants.js'

/** Options of `openDeliveryChannel`. */
export interface OpenDeliveryChannelOptions extends DeliveryChannelOptions {
  /** Deadline of opening the stream, dial included (default 10 s); fails with `protocol-timeout`. */
  dialTimeoutMs?: number
  /** Caller's cancellation of the dial; fails with `protocol-aborted`. */
  signal?: AbortSignal
}

/**
 * Open a delivery channel to a peer: one long-lived stream on `/lienthong/deliver/1.0.0`. Dial
 * failures are the host's typed `protocol-*` errors (`protocol-dial-refused`,
 * `protocol-dial-failed`, `protocol-unsupported`, `protocol-timeout`).
 *
 * @example
 * ```ts
 * const channel = await openDeliveryChannel(host, recipientPeerId)
 * const outcome = await channel.send({ envelopeBytes: encodeEnvelope(env) })
 * if (outcome.status === 'receipted') await outbox.markDelivered(env.header.id, outcome.receipt)
 * await channel.close()
 * ```
 */
export async function openDeliveryChannel (host: Host, peer: PeerTarget, options: OpenDeliveryChannelOptions = {}): Promise<DeliveryChannel> {
  const timeoutMs = checkTimeout('dialTimeoutMs', options.dialTimeoutMs ?? DEFAULT_DELIVERY_DIAL_TIMEOUT_MS)
  const stream = await host.dialProtocol(peer, DELIVER_PROTOCOL, { timeoutMs, signal: options.signal })
  const remotePeerId = host.node.getConnections().find(c => c.streams.includes(stream))?.remotePeer.toString() ?? String(peer)
  return new DeliveryChannel(stream, remotePeerId, options)
}
