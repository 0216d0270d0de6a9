/**
 * Harness for cross-package integration tests: a coordinator and relay nodes started in-process
 * from real data folders (the same code the CLIs run), on 127.0.0.1 with ephemeral ports.
 */
export { startNetwork, waitFor, type TestNetwork, type TestNode, type NodeSpec } from './network.js'
export { apiClient, type ApiClient, type ApiResponse } from './api.js'
