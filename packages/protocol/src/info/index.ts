/**
 * INFO_PROTOCOL (`/lienthong/info/1.0.0`): a node describes itself in one request/response
 * exchange: PeerId, software version, the protocol ids it serves and its clock. The
 * coordinator's join assessment uses it to check protocols and clock skew.
 *
 * @example
 * ```ts
 * await serveInfo(host, { software: 'lienthong-node/0.1.0' })
 * const info = await fetchInfo(coordinatorHost, nodeMultiaddr, { timeoutMs: 5000 })
 * info.protocols.includes(DELIVER_PROTOCOL)
 * ```
 */
export {
  INFO_PROTOCOL, INFO_MAX_REQUEST_BYTES, INFO_MAX_REPLY_BYTES, INFO_MAX_PROTOCOLS, INFO_MAX_PROTOCOL_LENGTH,
  INFO_MAX_SOFTWARE_LENGTH, DEFAULT_INFO_TIMEOUT_MS, INFO_SERVE_TIMEOUT_MS
} from './constants.js'
export { InfoErrorCode } from './errors.js'
export { encodeInfoRequest, decodeInfoRequest, encodeInfoReply, decodeInfoReply, type InfoReply } from './messages.js'
export { serveInfo, fetchInfo, type ServeInfoOptions, type FetchInfoOptions } from './service.js'
