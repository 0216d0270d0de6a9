/**
 * The coordinator as a library, for the devnet and the integration tests: the same functions the
 * CLI calls.
 */
export { initCoordinator, type InitOptions, type InitResult } from './init.js'
export { startCoordinator, type Coordinator, type StartOptions } from './app.js'
export { coordinatorPaths } from './paths.js'
export { ADMIN_ROLES, type AdminRole } from './roles.js'
export { parseConfig, defaultConfig, MAX_OFFLINE_AFTER_MS, type CoordinatorConfig } from './config.js'
