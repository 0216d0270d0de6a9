/**
 * `network.json`: the trust anchor of a Lienthong network. The coordinator writes it at `init`
 * and the Government Office hands it to every agency; a node accepts registry entries only when
 * they chain from a genesis signed by the key named here.
 */
import { LienthongError } from '@lienthong/errors'
import { peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { RegistryErrorCode } from './errors.js'

export interface NetworkFile {
  version: 1
  /** Network name, also in the genesis entry. */
  name: string
  coordinator: {
    peerId: string
    /** ed25519 public key, base64. */
    publicKey: string
    /** libp2p multiaddrs ending in /p2p/<peerId>. */
    addresses: string[]
    /** Base URL of the coordinator's HTTP API. */
    http: string
  }
  createdAt: string
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/

/** Network names: lower-case letters, digits, dot, dash, underscore; 1–63 characters. */
export function isNetworkName (name: unknown): name is string {
  return typeof name === 'string' && NAME_PATTERN.test(name)
}

function fail (problem: string): never {
  throw new LienthongError(RegistryErrorCode.BAD_NETWORK_FILE, `network.json is invalid: ${problem}`, { problem })
}

/** Validate parsed JSON as a network file; `registry-bad-network-file` names what is wrong. */
export function parseNetworkFile (data: unknown): NetworkFile & { coordinatorKey: Uint8Array } {
  if (typeof data !== 'object' || data === null) fail('not a JSON object')
  const d = data as Record<string, unknown>
  if (d.version !== 1) fail('version must be 1')
  if (!isNetworkName(d.name)) fail('name must be 1-63 lower-case letters, digits, ".", "-" or "_"')
  const c = d.coordinator as Record<string, unknown> | undefined
  if (typeof c !== 'object' || c === null) fail('coordinator is missing')
  if (typeof c.publicKey !== 'string') fail('coordinator.publicKey is missing')
  const key = new Uint8Array(Buffer.from(c.publicKey, 'base64'))
  if (key.length !== 32) fail('coordinator.publicKey must be 32 bytes in base64')
  if (c.peerId !== peerIdFromPublicKeyBytes(key)) fail('coordinator.peerId does not match coordinator.publicKey')
  if (!Array.isArray(c.addresses) || !c.addresses.every((a) => typeof a === 'string' && a.startsWith('/') && a.endsWith(`/p2p/${c.peerId as string}`))) {
    fail('coordinator.addresses must be multiaddrs ending in /p2p/<peerId>')
  }
  if (typeof c.http !== 'string' || !/^https?:\/\/[^\s]+$/.test(c.http)) fail('coordinator.http must be an http(s) URL')
  if (typeof d.createdAt !== 'string') fail('createdAt is missing')
  return {
    version: 1,
    name: d.name,
    coordinator: { peerId: c.peerId, publicKey: c.publicKey, addresses: c.addresses as string[], http: c.http },
    createdAt: d.createdAt,
    coordinatorKey: key
  }
}

/** Build the network file for a coordinator. */
export function createNetworkFile (init: { name: string, coordinatorKey: Uint8Array, addresses: string[], http: string, now?: Date }): NetworkFile {
  const peerId = peerIdFromPublicKeyBytes(init.coordinatorKey)
  const file: NetworkFile = {
    version: 1,
    name: init.name,
    coordinator: {
      peerId,
      publicKey: Buffer.from(init.coordinatorKey).toString('base64'),
      addresses: init.addresses.map((a) => a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`),
      http: init.http
    },
    createdAt: (init.now ?? new Date()).toISOString()
  }
  parseNetworkFile(file)
  return file
}
