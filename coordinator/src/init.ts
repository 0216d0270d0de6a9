import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { generateNodeKey, writeKeyFile, writeSecretFile } from '@lienthong/crypto'
import { TokenStore } from '@lienthong/http'
import { ADMIN_ROLES } from './roles.js'
import { LienthongError } from '@lienthong/errors'
import { RegistryReplica } from '@lienthong/protocol'
import { createNetworkFile, directoryOps, isNetworkName, RegistryWriter, type NetworkFile } from '@lienthong/registry'
import { openDatabase } from '@lienthong/store'
import { configFileText, parseConfig, type CoordinatorConfig } from './config.js'
import { CoordinatorErrorCode } from './errors.js'
import { coordinatorPaths } from './paths.js'
import { testServiceOps } from './test-service.js'

export interface InitOptions {
  data: string
  name?: string
  listen?: string[]
  /** Public libp2p addresses written into network.json instead of the listen addresses. */
  announce?: string[]
  http?: string
  /** The public URL of the HTTP API written into network.json instead of `http://<http>`. */
  publicUrl?: string
  now?: () => number
}

export interface InitResult {
  network: NetworkFile
  config: CoordinatorConfig
  seq: number
  orgs: number
  /** The first admin token (also in admin-token, mode 0600). */
  adminToken: string
}

export const DEFAULT_NETWORK_NAME = 'lienthong'

/**
 * Create a coordinator's data folder: key (0600), config.json with every key, network.json for
 * the agencies, and the registry log holding the genesis entry, the national directory and the
 * conformance test service (its reserved code, hosted by the coordinator's own node).
 * Refuses a folder that is not empty, so an existing network is never overwritten.
 */
export async function initCoordinator (options: InitOptions): Promise<InitResult> {
  const name = options.name ?? DEFAULT_NETWORK_NAME
  if (!isNetworkName(name)) {
    throw new LienthongError(CoordinatorErrorCode.USAGE, `--name must be 1-63 lower-case letters, digits, ".", "-" or "_" (got "${String(name)}")`)
  }
  const config = parseConfig({
    ...(options.listen === undefined ? {} : { listen: options.listen }),
    ...(options.announce === undefined ? {} : { announce: options.announce }),
    ...(options.http === undefined ? {} : { http: options.http }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl })
  }, 'the init flags')
  const paths = coordinatorPaths(options.data)
  await mkdir(paths.data, { recursive: true, mode: 0o700 })
  const existing = await readdir(paths.data)
  if (existing.length > 0) {
    throw new LienthongError(CoordinatorErrorCode.DATA_DIR_EXISTS, `${paths.data} is not empty; a coordinator is already initialised there (start it, or choose another --data)`, { data: paths.data })
  }
  const key = generateNodeKey()
  writeKeyFile(paths.key, key)
  // 0600: the operator adds SMTP credentials and the SMS gateway URL (secrets) to this file later.
  writeSecretFile(paths.config, configFileText(config))

  const network = createNetworkFile({
    name,
    coordinatorKey: key.publicKey,
    addresses: config.announce.length > 0 ? config.announce : config.listen,
    http: config.publicUrl !== '' ? config.publicUrl : `http://${config.http}`
  })
  await writeFile(paths.network, JSON.stringify(network, null, 2) + '\n', { mode: 0o644 })
  const { token: adminToken } = TokenStore.open(paths.tokens, ADMIN_ROLES).create('admin', 'admin')
  writeSecretFile(paths.adminToken, adminToken + '\n')

  const db = await openDatabase(paths.db)
  try {
    const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey, network: name })
    const genesis = RegistryWriter.genesis(key, { network: name, ...(options.now === undefined ? {} : { now: options.now }) })
    await replica.apply(genesis.registry.entriesAfter(-1, 1), { source: 'init' })
    await replica.append(key, directoryOps(), { actor: 'system', reason: 'national directory shipped with Lienthong' })
    // The conformance test service (reserved code, hosted by the coordinator's own node); the
    // addresses are corrected by its first heartbeat when the ports are only known at start.
    await replica.append(key, testServiceOps(replica.state, key, network.coordinator.addresses), { actor: 'system', reason: 'the coordinator hosts the conformance test service' })
    await replica.append(key, [{
      type: 'network.params',
      heartbeatIntervalMs: config.monitor.heartbeatIntervalMs,
      maxEnvelopeBytes: config.network.maxEnvelopeBytes,
      stalenessLimitMs: config.network.stalenessLimitMs
    }], { actor: 'system', reason: 'network parameters from config.json' })
    return { network, config, seq: replica.seq, orgs: replica.state.orgs.size, adminToken }
  } finally {
    await db.close()
  }
}
