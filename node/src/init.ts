import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { generateNodeKey, peerIdFromPublicKeyBytes, writeKeyFile, writeSecretFile } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { TokenStore } from '@lienthong/http'
import { isOrgCode, parseNetworkFile, type NetworkFile } from '@lienthong/registry'
import { parseNodeConfig, type NodeConfig } from './config.js'
import { NodeErrorCode } from './errors.js'
import { nodePaths } from './paths.js'

/** A node's API has one role: the agency's own document system, which may do everything. */
export const NODE_TOKEN_ROLES = ['client'] as const

export interface NodeInitOptions {
  data: string
  network: string
  orgs: string[]
  email: string[]
  phone: string[]
  listen?: string[]
  /** Public addresses to publish instead of the bound ones (config `announce`). */
  announce?: string[]
  http?: string
}

export interface NodeInitResult {
  peerId: string
  network: NetworkFile
  config: NodeConfig
  apiToken: string
}

export async function readNetworkFile (path: string): Promise<ReturnType<typeof parseNetworkFile>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new LienthongError(NodeErrorCode.NETWORK_FILE, `cannot read the network file ${path}; the coordinator's operator gives it to you`, { path })
  }
  try {
    return parseNetworkFile(JSON.parse(text) as unknown)
  } catch (err) {
    if (err instanceof LienthongError) throw err
    throw new LienthongError(NodeErrorCode.NETWORK_FILE, `${path} is not valid JSON`, { path })
  }
}

/**
 * Create a node's data folder: key (0600), config.json with every key, a copy of network.json
 * (the trust anchor), and a first API token for the document system (0600, printed once).
 */
export async function initNode (options: NodeInitOptions): Promise<NodeInitResult> {
  const bad = options.orgs.filter((o) => !isOrgCode(o))
  if (options.orgs.length === 0 || bad.length > 0) {
    throw new LienthongError(NodeErrorCode.USAGE, options.orgs.length === 0 ? '--org CODE is required (the organisation this node serves)' : `not an organisation code: ${bad.join(', ')} (e.g. 000.00.00.H29)`)
  }
  if (options.email.length === 0 && options.phone.length === 0) {
    throw new LienthongError(NodeErrorCode.USAGE, '--email or --phone is required: the coordinator notifies you when your node goes offline')
  }
  const network = await readNetworkFile(options.network)
  const paths = nodePaths(options.data)
  await mkdir(paths.data, { recursive: true, mode: 0o700 })
  if ((await readdir(paths.data)).length > 0) {
    throw new LienthongError(NodeErrorCode.DATA_DIR_EXISTS, `${paths.data} is not empty; a node is already initialised there (start it, or choose another --data)`, { data: paths.data })
  }
  const config = parseNodeConfig({
    orgs: options.orgs,
    contacts: { email: options.email, phone: options.phone },
    ...(options.listen === undefined ? {} : { listen: options.listen }),
    ...(options.announce === undefined ? {} : { announce: options.announce }),
    ...(options.http === undefined ? {} : { http: options.http })
  })
  const key = generateNodeKey()
  writeKeyFile(paths.key, key)
  await writeFile(paths.config, JSON.stringify(config, null, 2) + '\n', { mode: 0o644 })
  await copyFile(options.network, paths.network)
  const tokens = TokenStore.open(paths.tokens, NODE_TOKEN_ROLES)
  const { token } = tokens.create('default', 'client')
  writeSecretFile(paths.apiToken, token + '\n')
  return { peerId: peerIdFromPublicKeyBytes(key.publicKey), network, config, apiToken: token }
}
