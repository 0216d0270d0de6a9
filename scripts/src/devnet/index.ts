/**
 * The local devnet: `runDevnet` starts a coordinator and relay nodes as real CLI processes,
 * admits them through the public join workflow and exchanges a sample document (see run.ts).
 * `npm start` and `npm run devnet -- --all` are its command lines (start.ts, all.ts).
 */
export { runDevnet, type Devnet, type DevnetOptions } from './run.js'
export { formatSummary, type DevnetSummary, type NodeSummary, type CurlLine } from './summary.js'
export { promote, CONFORMANCE_REASON, PROMOTION_REASON, type Promotion, type Admission } from './membership.js'
export { SAMPLE_STATUSES, type SampleExchange } from './exchange.js'
export { DEMO_UNITS, type Unit } from './units.js'
export { isAlive, rssKiB } from './processes.js'
