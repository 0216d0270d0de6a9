import { peerIdFromString } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'

/** A PeerId string, a multiaddr string (`/ip4/…/tcp/…/p2p/…`) or a Multiaddr. */
export type PeerTarget = string | Multiaddr

/** What to hand libp2p, and the PeerId when the target names one. */
export interface ParsedTarget {
  dialTarget: PeerId | Multiaddr
  peerId: string | undefined
}

/** Parse a dial target; TypeError when it is neither a PeerId nor a multiaddr. */
export function parseTarget (target: PeerTarget): ParsedTarget {
  if (isMultiaddr(target)) {
    return { dialTarget: target, peerId: target.getComponents().findLast(c => c.name === 'p2p')?.value }
  }
  if (typeof target !== 'string') throw new TypeError('target must be a PeerId string or a multiaddr')
  if (target.startsWith('/')) {
    let ma: Multiaddr
    try {
      ma = multiaddr(target)
    } catch {
      throw new TypeError('target is not a valid multiaddr')
    }
    return parseTarget(ma)
  }
  try {
    const id = peerIdFromString(target)
    return { dialTarget: id, peerId: id.toString() }
  } catch {
    throw new TypeError('target is not a valid PeerId')
  }
}

/**
 * Addresses in the form nodes publish them, ending in `/p2p/<peerId>` (added where missing), so
 * that a node reporting the same addresses causes no registry update.
 */
export function withPeerIdSuffix (addresses: readonly string[], peerId: string): string[] {
  return addresses.map((a) => a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`)
}

/** Protocol ids are strings starting with '/'. */
export function checkProtocol (protocol: string): void {
  if (typeof protocol !== 'string' || !protocol.startsWith('/')) throw new TypeError('protocol must be a string starting with "/"')
}
