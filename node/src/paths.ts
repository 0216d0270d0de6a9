import { join } from 'node:path'

/** Where everything lives in a node's data folder (back up the whole folder). */
export function nodePaths (data: string): { data: string, key: string, config: string, network: string, apiToken: string, tokens: string, db: string, blobs: string, run: string } {
  return {
    data,
    key: join(data, 'node.key'),
    config: join(data, 'config.json'),
    network: join(data, 'network.json'),
    apiToken: join(data, 'api-token'),
    tokens: join(data, 'tokens.json'),
    db: join(data, 'db'),
    blobs: join(data, 'blobs'),
    run: join(data, 'run.json')
  }
}
