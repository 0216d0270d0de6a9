import type { ExecutionContext } from 'ava'
import { generateNodeKey, seal, type NodeKey } from '@lienthong/crypto'
import { createEnvelope, encodeEnvelope, type CreateEnvelopeOptions, type EnvelopeInit, type SignedEnvelope } from '@lienthong/envelope'
import { createHost, openDeliveryChannel, type DeliveryItem, type DeliveryOutcome, type Host } from '@lienthong/protocol'
import type { TestNode } from './net.js'

/** A host outside the registry (no gate of its own), stopped when the test ends. */
export async function strangerHost (t: ExecutionContext, key: NodeKey = generateNodeKey()): Promise<Host> {
  const host = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'] })
  t.teardown(async () => { await host.stop() })
  return host
}

/** An envelope sealed for `to`, signed with `key` (what a well-behaved or forging sender would build). */
export function envelopeFor (key: NodeKey, to: TestNode, init: Partial<EnvelopeInit>, payload: Uint8Array, options: CreateEnvelopeOptions = {}): SignedEnvelope {
  return createEnvelope({
    kind: 'document', senderOrg: '000.00.00.G01', recipients: ['000.00.00.H29'], contentType: 'application/pdf', ...init
  }, key, seal(payload, [to.key.sealingPublicKey]), options)
}

/** The same envelope with its payload detached: `{ envelopeBytes, payload }` to stream. */
export function detached (env: SignedEnvelope): DeliveryItem {
  if (env.payload === null) throw new TypeError('already detached')
  return { envelopeBytes: encodeEnvelope(env, { detachPayload: true }), payload: env.payload }
}

export function inline (env: SignedEnvelope): DeliveryItem {
  return { envelopeBytes: encodeEnvelope(env) }
}

/** Deliver items over one raw channel from `from` to `to` (outside any relay), answers in order. */
export async function rawSend (from: Host, to: TestNode, items: DeliveryItem[]): Promise<DeliveryOutcome[]> {
  await from.addPeerAddresses(to.peerId, [to.address])
  const channel = await openDeliveryChannel(from, to.peerId, { dialTimeoutMs: 5000 })
  try {
    return await Promise.all(items.map(async item => await channel.send(item)))
  } finally {
    await channel.close()
  }
}

/** The same signature with one bit flipped. */
export function forged (env: SignedEnvelope): SignedEnvelope {
  const signature = Uint8Array.from(env.signature)
  signature[0] = (signature[0] ?? 0) ^ 1
  return { ...env, signature }
}
