import { SIGNATURE_LENGTH, publicKeyFromPeerId } from '@lienthong/crypto'
import { verifyEnvelope, type SignedEnvelope } from '@lienthong/envelope'
import { hostOf, type RegistryState } from '@lienthong/registry'
import { RefusalCode } from './refusals.js'
import { ACTIVE_STATES, mayExchange } from './routing.js'
import { sameBytes } from './bytes.js'

/** What the receiver checks an envelope against. */
export interface CheckContext {
  state: RegistryState
  selfPeerId: string
  /** The authenticated peer that delivered it. */
  remotePeerId: string
  /** Its ed25519 public key (from the PeerId). */
  remoteKey: Uint8Array
  now: number
  maxClockSkewMs: number
}

const peerKeys = new Map<string, Uint8Array>()

/** The ed25519 key inside a PeerId (cached: a node sees few distinct peers). */
export function peerKey (peerId: string): Uint8Array {
  let key = peerKeys.get(peerId)
  if (key === undefined) {
    key = publicKeyFromPeerId(peerId)
    if (peerKeys.size >= 4096) peerKeys.clear()
    peerKeys.set(peerId, key)
  }
  return key
}

// The peer hosting each organisation code, per registry state. A state is an immutable snapshot
// (each applied entry makes a new one), so a cache keyed by it is never stale: a revocation or a
// move of an organisation takes effect with the first envelope checked after it applies.
const hostCaches = new WeakMap<RegistryState, Map<string, string | null>>()
/** Bound on the codes cached per state (peers choose the codes they send). */
const HOST_CACHE_MAX = 4096

/** The PeerId of the node hosting `org` in `state` (`hostOf`, cached per state), or undefined. */
export function hostPeerOf (state: RegistryState, org: string): string | undefined {
  let cache = hostCaches.get(state)
  if (cache === undefined) {
    cache = new Map()
    hostCaches.set(state, cache)
  }
  let peer = cache.get(org)
  if (peer === undefined) {
    peer = hostOf(state, org)?.node.peerId ?? null
    if (cache.size >= HOST_CACHE_MAX) cache.clear()
    cache.set(org, peer)
  }
  return peer ?? undefined
}

/**
 * The receiver's checks of architecture §4, cheapest first; the refusal code, or undefined when
 * the envelope may be accepted. In order: sender node = delivering peer, peer admitted and not
 * suspended or revoked, this node active and in the peer's state (trial ↔ trial, official ↔
 * official; the coordinator's test-service node with either, see `mayExchange`), sender
 * organisation hosted by the peer, a recipient hosted here, size within the registry's
 * maxEnvelopeBytes, then signature, clock skew, expiry and (inline) payload hash.
 * A detached payload's hash and length are checked by the protocol as it streams.
 */
export function checkIncoming (env: SignedEnvelope, ctx: CheckContext): string | undefined {
  const { header } = env
  const { state } = ctx
  if (!sameBytes(header.senderNode, ctx.remoteKey)) return RefusalCode.WRONG_SENDER
  const sender = state.nodes.get(ctx.remotePeerId)
  if (sender === undefined) return RefusalCode.SENDER_UNKNOWN
  if (sender.state === 'suspended') return RefusalCode.SENDER_SUSPENDED
  if (sender.state === 'revoked') return RefusalCode.SENDER_REVOKED
  const self = state.nodes.get(ctx.selfPeerId)
  if (self === undefined || !ACTIVE_STATES.has(self.state)) return RefusalCode.RECEIVER_NOT_ACTIVE
  if (!mayExchange(state, sender, self)) return RefusalCode.SENDER_NOT_ALLOWED
  if (hostPeerOf(state, header.senderOrg) !== ctx.remotePeerId) return RefusalCode.SENDER_ORG_NOT_HOSTED
  if (!header.recipients.some(org => hostPeerOf(state, org) === ctx.selfPeerId)) return RefusalCode.NOT_A_RECIPIENT
  if (env.headerBytes.length + SIGNATURE_LENGTH + header.payloadLength > state.params.maxEnvelopeBytes) return RefusalCode.ENVELOPE_TOO_LARGE
  const verified = verifyEnvelope(env, { now: ctx.now, maxClockSkewMs: ctx.maxClockSkewMs, expectedSender: ctx.remoteKey })
  return verified.ok ? undefined : verified.code
}

/** The recipients of `codes` that this node hosts, in envelope order. */
export function hostedHere (state: RegistryState, selfPeerId: string, codes: readonly string[]): string[] {
  return codes.filter(org => hostPeerOf(state, org) === selfPeerId)
}
