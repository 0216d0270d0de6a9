/** The node software's version: in health, heartbeats and join requests. */
export const NODE_VERSION = '0.1.0'
