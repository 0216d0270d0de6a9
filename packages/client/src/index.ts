/**
 * TypeScript client for document systems talking to a Lienthong relay node (`NodeClient`: send,
 * follow the inbox, acknowledge, report statuses) and for operators of the coordinator
 * (`CoordinatorClient`: the public registry, join requests, admin decisions). Depends on no
 * server package: the response types mirror the JSON the routes return. Failures are
 * `ClientError`s carrying the server's stable problem `code`, the HTTP `status` and `detail`.
 *
 * @example
 * ```ts
 * import { NodeClient, isClientError } from '@lienthong/client'
 * const node = new NodeClient({ baseUrl: 'http://127.0.0.1:7500', token: process.env.LIENTHONG_TOKEN! })
 * try {
 *   const { id } = await node.send({ from: '000.00.00.G22', to: ['000.00.00.H29'], contentType: 'text/plain; charset=utf-8', payload: 'Công văn số 12' })
 *   console.log((await node.outbox(id)).deliveries)
 * } catch (err) {
 *   if (isClientError(err, 'unknown-recipient')) { ... }
 * }
 * ```
 */
export { NodeClient, DEFAULT_JSON_MAX_BYTES, type NodeClientInit, type SendRequest, type Payload } from './node-client.js'
export { CoordinatorClient, type PromoteInput, type ReinstateInput } from './coordinator-client.js'
export { ClientError, ClientErrorCode, isClientError, type Problem } from './errors.js'
export type { StreamOptions } from './inbox-stream.js'
export { SseParser, readSse, type SseEvent } from './sse.js'
export type { FetchFn, TransportInit } from './transport.js'
export type {
  AckResult, DeliveryStateName, DeliveryView, InboxEntry, InboxPage, NodeHealth, NodeState, OutboxView,
  RecipientRoute, RelayHealth, StatusView, SubmitResult
} from './node-types.js'
export type {
  CheckpointView, EntryContext, LogEntryView, LogPage, NodeEvent, NodeHistoryItem, Org, OrgKind, OrgLookup,
  RegistryNode, Service
} from './registry-types.js'
export type {
  Alert, AlertNotification, Assessment, AssessmentCheck, AssessmentCheckName, AssessmentInput, AuditEntry,
  ChecklistItem, ChecklistMark, ConformanceView, ConnectionInfo, ConnectionStatus, CoordinatorHealth, Decision, JoinRequestBody,
  JoinRequestRecord, NodeChange, PauseRequestRecord, PublicRequestStatus, RequestPage, RequestStatus
} from './coordinator-types.js'
