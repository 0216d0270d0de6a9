/**
 * Membership of a Lienthong network: the signed join and pause requests a node sends, their
 * store at the coordinator (pending → approved | rejected, manual checklist, public status), the
 * automated assessment of a live node, and the audit log of admin actions.
 *
 * - Requests are deterministic CBOR signed by the node key over
 *   `signedBytes('lienthong/join-request/v1' | 'lienthong/pause-request/v1', bytes)`: the proof
 *   of key possession. Over HTTP: `{ request: base64, signature: base64 }`.
 * - Only decisions enter the registry (`joinRequestOps`, `pauseRequestOp`), through `apply`.
 *
 * @example
 * ```ts
 * // node
 * const signed = createJoinRequest(key, { network, orgs, contacts, addresses, selfAssessment, software })
 * await fetch(`${network.coordinator.http}/v1/join-requests`, { method: 'POST', body: JSON.stringify(encodeRequestWire(signed)) })
 * // coordinator
 * const verified = verifyJoinRequest(await c.req.json(), { network: network.name })
 * const record = await store.submitJoin(verified)
 * await store.recordAssessment(record.id, await assessJoinRequest(record.request, { host, allowance }), 'system')
 * await store.approveJoin(record.id, { actor: 'ops', apply: r => replica.append(key, joinRequestOps(r.request, replica.state), { actor: 'ops' }) })
 * ```
 */
export {
  JOIN_REQUEST_DOMAIN, PAUSE_REQUEST_DOMAIN, REQUEST_VERSION, DEFAULT_MAX_REQUEST_SKEW_MS, MAX_REQUEST_BYTES, NONCE_LENGTH,
  MAX_JOIN_ORGS, MAX_JOIN_SERVICES, MAX_JOIN_ADDRESSES, MAX_JOIN_CONTACTS, MAX_TEXT_LENGTH, MAX_SOFTWARE_LENGTH,
  CHECKLIST_ITEMS, MEMBERSHIP_NAMESPACE, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_ASSESSMENT_DIAL_TIMEOUT_MS, DEFAULT_ASSESSMENT_INFO_TIMEOUT_MS
} from './constants.js'
export { MembershipErrorCode } from './errors.js'
export {
  encodeRequestWire, decodeRequestWire, type SignedRequest, type SignedRequestWire, type VerifyRequestOptions
} from './signed.js'
export {
  createJoinRequest, verifyJoinRequest, decodeJoinRequest, type JoinRequest, type JoinRequestInit, type JoinContacts,
  type DeclaredService, type SelfAssessment
} from './join-request.js'
export {
  createPauseRequest, verifyPauseRequest, decodePauseRequest, type PauseRequest, type PauseRequestInit
} from './pause-request.js'
export { joinRequestOps, pauseRequestOp, registryNodeState } from './ops.js'
export { isRequestId } from './ids.js'
export type {
  RequestStatus, ChecklistItem, ChecklistMark, Checklist, Decision, RequestRecord, JoinRequestRecord, PauseRequestRecord,
  PublicRequestStatus
} from './records.js'
export type { ListOptions, RequestPage } from './request-table.js'
export { requestRecordJson } from './json.js'
export { AuditLog, type AuditInput, type AuditEntry, type AuditListOptions } from './audit.js'
export {
  MembershipStore, type MembershipStoreInit, type DecisionInit, type ApproveInit, type ChecklistInit
} from './store.js'
export { TemporaryAllowList, type PeerAllowance } from './allow-list.js'
export {
  assessJoinRequest, ASSESSMENT_CHECKS, type Assessment, type AssessmentCheck, type AssessmentCheckName, type AssessmentOptions
} from './assessment.js'
