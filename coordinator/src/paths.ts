import { join } from 'node:path'

/** Where everything lives in a coordinator's data folder (back up the whole folder). */
export function coordinatorPaths (data: string): { data: string, key: string, config: string, network: string, db: string, tokens: string, adminToken: string } {
  return {
    data,
    key: join(data, 'coordinator.key'),
    config: join(data, 'config.json'),
    network: join(data, 'network.json'),
    db: join(data, 'db'),
    tokens: join(data, 'tokens.json'),
    adminToken: join(data, 'admin-token')
  }
}
