/**
 * The relay node as a library, for the devnet and the integration tests: the same functions the
 * CLI calls.
 */
export { initNode, type NodeInitOptions, type NodeInitResult } from './init.js'
export { startNode, type RelayNode, type NodeStartOptions, NODE_VERSION } from './app.js'
export { nodePaths } from './paths.js'
export { parseNodeConfig, type NodeConfig } from './config.js'
export { submitJoinRequest, submitPauseRequest, type SubmittedRequest } from './membership.js'
