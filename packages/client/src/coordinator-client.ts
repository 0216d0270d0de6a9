import type {
  Alert, AssessmentInput, AuditEntry, ConformanceView, ConnectionInfo, CoordinatorHealth, JoinRequestRecord, NodeChange,
  PauseRequestRecord, PublicRequestStatus, RequestPage, RequestStatus
} from './coordinator-types.js'
import type { NodeState } from './node-types.js'
import type { CheckpointView, LogPage, Org, OrgLookup, RegistryNode, Service } from './registry-types.js'
import { Transport, type TransportInit } from './transport.js'

/** Body of `promote`: a pass of the conformance exchange is required unless `force` with a reason. */
export interface PromoteInput {
  force?: boolean
  reason?: string
}

/** Body of `reinstate`: only with a recorded remediation. */
export interface ReinstateInput {
  remediation: { summary: string, ref?: string }
  to: 'trial' | 'official'
  reason?: string
}

const id = (value: string): string => encodeURIComponent(value)

/**
 * Client of the coordinator's HTTP API: the public registry and join-request status (no token),
 * and the admin routes (bearer token of a role: viewer < operator < security < admin). Every
 * failure is a `ClientError` carrying the server's stable `code` (e.g. `membership-not-pending`).
 *
 * @example
 * ```ts
 * const coordinator = new CoordinatorClient({ baseUrl: 'http://127.0.0.1:7400', token: adminToken })
 * const { requests } = await coordinator.joinRequests({ status: 'pending' })
 * await coordinator.approve(requests[0].id, 'checks passed')
 * ```
 */
export class CoordinatorClient {
  readonly #http: Transport

  constructor (init: TransportInit) {
    this.#http = new Transport(init)
  }

  get baseUrl (): string {
    return this.#http.baseUrl
  }

  // Public.

  async health (): Promise<CoordinatorHealth> {
    return await this.#http.json<CoordinatorHealth>('GET', '/v1/health')
  }

  /** Organisations (`q`: code or name, case- and accent-insensitive; `status`: active | retired). */
  async orgs (options: { q?: string, status?: 'active' | 'retired' } = {}): Promise<{ count: number, orgs: Org[] }> {
    return await this.#http.json('GET', '/v1/registry/orgs', { query: { q: options.q, status: options.status } })
  }

  async org (code: string): Promise<OrgLookup> {
    return await this.#http.json<OrgLookup>('GET', `/v1/registry/orgs/${id(code)}`)
  }

  /** Admitted nodes (public view: no contacts). */
  async nodes (options: { state?: NodeState } = {}): Promise<{ count: number, nodes: RegistryNode[] }> {
    return await this.#http.json('GET', '/v1/registry/nodes', { query: { state: options.state } })
  }

  async services (): Promise<{ count: number, services: Service[] }> {
    return await this.#http.json('GET', '/v1/registry/services')
  }

  /** Signed registry log entries after `since` (-1: from genesis). */
  async log (options: { since?: number, limit?: number } = {}): Promise<LogPage> {
    return await this.#http.json<LogPage>('GET', '/v1/registry/log', { query: { since: options.since, limit: options.limit } })
  }

  async checkpoint (): Promise<CheckpointView> {
    return await this.#http.json<CheckpointView>('GET', '/v1/registry/checkpoint')
  }

  /** What an applicant may read about its join request (no token needed). */
  async joinRequestStatus (requestId: string): Promise<PublicRequestStatus> {
    return await this.#http.json<PublicRequestStatus>('GET', `/v1/join-requests/${id(requestId)}/status`)
  }

  // Viewer.

  async joinRequests (options: { status?: RequestStatus, limit?: number, after?: string } = {}): Promise<RequestPage<JoinRequestRecord>> {
    return await this.#http.json('GET', '/v1/join-requests', { query: { status: options.status, limit: options.limit, after: options.after } })
  }

  async joinRequest (requestId: string): Promise<JoinRequestRecord> {
    return await this.#http.json<JoinRequestRecord>('GET', `/v1/join-requests/${id(requestId)}`)
  }

  async pauseRequests (options: { status?: RequestStatus, limit?: number } = {}): Promise<RequestPage<PauseRequestRecord>> {
    return await this.#http.json('GET', '/v1/pause-requests', { query: { status: options.status, limit: options.limit } })
  }

  /** Every trial and official node's connection: online/offline, last heartbeat, registry lag, queues. */
  async connections (): Promise<{ connections: ConnectionInfo[] }> {
    return await this.#http.json('GET', '/v1/connections')
  }

  async alerts (options: { since?: number, limit?: number, peerId?: string } = {}): Promise<{ alerts: Alert[] }> {
    return await this.#http.json('GET', '/v1/alerts', { query: { since: options.since, limit: options.limit, peerId: options.peerId } })
  }

  /** Whether a node passed the conformance exchange with the test service (promote needs it unless forced). */
  async conformance (peerId: string): Promise<ConformanceView> {
    return await this.#http.json<ConformanceView>('GET', `/v1/nodes/${id(peerId)}/conformance`)
  }

  /** Admin actions, oldest first (or newest first with `order: 'desc'`). */
  async audit (options: { since?: number, limit?: number, order?: 'asc' | 'desc' } = {}): Promise<{ entries: AuditEntry[] }> {
    return await this.#http.json('GET', '/v1/audit', { query: { since: options.since, limit: options.limit, order: options.order } })
  }

  // Operator.

  /** Re-run the automated checks (`rerun`, or no checklist) and/or mark the manual checklist. */
  async assessment (requestId: string, body: AssessmentInput = {}): Promise<JoinRequestRecord> {
    return await this.#http.json<JoinRequestRecord>('POST', `/v1/join-requests/${id(requestId)}/assessment`, { json: body })
  }

  /** Admit the node as a trial member (the registry entry carries the reason and the token's name). */
  async approve (requestId: string, reason?: string): Promise<JoinRequestRecord> {
    return await this.#http.json<JoinRequestRecord>('POST', `/v1/join-requests/${id(requestId)}/approve`, { json: reason === undefined ? {} : { reason } })
  }

  async reject (requestId: string, reason: string): Promise<JoinRequestRecord> {
    return await this.#http.json<JoinRequestRecord>('POST', `/v1/join-requests/${id(requestId)}/reject`, { json: { reason } })
  }

  async approvePause (requestId: string): Promise<PauseRequestRecord> {
    return await this.#http.json<PauseRequestRecord>('POST', `/v1/pause-requests/${id(requestId)}/approve`)
  }

  async rejectPause (requestId: string, reason: string): Promise<PauseRequestRecord> {
    return await this.#http.json<PauseRequestRecord>('POST', `/v1/pause-requests/${id(requestId)}/reject`, { json: { reason } })
  }

  /** Trial → official. Refused with `conformance-required` unless passed, or `{force: true, reason}`. */
  async promote (peerId: string, body: PromoteInput = {}): Promise<NodeChange<RegistryNode>> {
    return await this.#http.json('POST', `/v1/nodes/${id(peerId)}/promote`, { json: body })
  }

  /** Set the organisation codes a node hosts (the whole list), with the decision as reason [operator]. */
  async updateNodeOrgs (peerId: string, orgs: string[], reason: string): Promise<NodeChange<RegistryNode>> {
    return await this.#http.json('PATCH', `/v1/nodes/${id(peerId)}`, { json: { orgs, reason } })
  }

  /** Replace the contacts of a node's unit (who gets its offline alerts), with the decision as reason [operator]. */
  async updateNodeContacts (peerId: string, contacts: { email: string[], phone: string[] }, reason: string): Promise<NodeChange<RegistryNode>> {
    return await this.#http.json('PATCH', `/v1/nodes/${id(peerId)}`, { json: { contacts, reason } })
  }

  async suspend (peerId: string, reason: string): Promise<NodeChange<RegistryNode>> {
    return await this.#http.json('POST', `/v1/nodes/${id(peerId)}/suspend`, { json: { reason } })
  }

  async resume (peerId: string, reason?: string): Promise<NodeChange<RegistryNode>> {
    return await this.#http.json('POST', `/v1/nodes/${id(peerId)}/resume`, { json: reason === undefined ? {} : { reason } })
  }

  // Security.

  /** Cut a node off at once after a security incident (`incident`: its reference). */
  async revoke (peerId: string, incident: string, reason?: string): Promise<NodeChange<RegistryNode>> {
    return await this.#http.json('POST', `/v1/nodes/${id(peerId)}/revoke`, { json: { incident, ...(reason === undefined ? {} : { reason }) } })
  }

  async reinstate (peerId: string, body: ReinstateInput): Promise<NodeChange<RegistryNode>> {
    return await this.#http.json('POST', `/v1/nodes/${id(peerId)}/reinstate`, { json: body })
  }
}
