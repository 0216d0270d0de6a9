import { Hono } from 'hono'
import type { NodeKey } from '@lienthong/crypto'
import type { Logger } from '@lienthong/errors'
import { bearerAuth, HttpError, intQuery, readJson, type TokenStore } from '@lienthong/http'
import { enumQuery, parseBody, requestIdParam, requestIdQuery, requestNotFound } from './guards.js'
import { assessmentBody, optionalReasonBody, reasonBody } from './schemas.js'
import {
  assessJoinRequest, joinRequestOps, pauseRequestOp, requestRecordJson, verifyJoinRequest, verifyPauseRequest,
  type MembershipStore, type PeerAllowance, type ChecklistItem
} from '@lienthong/membership'
import type { Host, RegistryReplica } from '@lienthong/protocol'

export interface MembershipRoutesComponents {
  replica: RegistryReplica
  key: NodeKey
  host: Host
  network: string
  store: MembershipStore
  tokens: TokenStore
  allowance: PeerAllowance
  logger: Logger
}

type Env = { Variables: { tokenName: string, tokenRole: string } }

const STATUSES = ['pending', 'approved', 'rejected'] as const


/**
 * The join workflow and pause requests: public signed submissions and their public status,
 * operator review (assessment, checklist) and decisions. Approvals append the registry entries
 * with the operator's token name and reason; the store writes the audit entries.
 */
export function membershipRoutes (c: MembershipRoutesComponents): Hono<Env> {
  const app = new Hono<Env>()
  const viewer = bearerAuth(c.tokens, 'viewer')
  const operator = bearerAuth(c.tokens, 'operator')

  async function assess (id: string, actor: string): Promise<void> {
    const record = await c.store.getJoin(id)
    if (record === undefined || record.status !== 'pending') return
    const assessment = await assessJoinRequest(record.request, { host: c.host, allowance: c.allowance })
    await c.store.recordAssessment(id, assessment, actor)
  }

  // Public: a node submits its signed join request; the automated assessment starts at once.
  app.post('/join-requests', async (ctx) => {
    const signed = verifyJoinRequest(await readJson(ctx, 128 * 1024), { network: c.network })
    const record = await c.store.submitJoin(signed)
    assess(record.id, 'system').catch((err: unknown) => { c.logger.warn({ id: record.id, err: (err as Error).message }, 'automated assessment failed') })
    return ctx.json({ id: record.id, status: record.status, statusUrl: `/v1/join-requests/${record.id}/status` }, 202)
  })
  app.get('/join-requests/:id/status', async (ctx) => {
    const id = requestIdParam(ctx)
    const status = await c.store.publicStatus(id)
    if (status === undefined) throw requestNotFound('join', id)
    return ctx.json(status)
  })
  app.get('/join-requests', viewer, async (ctx) => {
    const status = enumQuery(ctx, 'status', STATUSES)
    const after = requestIdQuery(ctx, 'after')
    const page = await c.store.listJoins({ limit: intQuery(ctx, 'limit', 100, 1000), ...(status === undefined ? {} : { status }), ...(after === undefined ? {} : { after }) })
    return ctx.json({ requests: page.items.map(requestRecordJson), ...(page.next === undefined ? {} : { next: page.next }) })
  })
  app.get('/join-requests/:id', viewer, async (ctx) => {
    const id = requestIdParam(ctx)
    const record = await c.store.getJoin(id)
    if (record === undefined) throw requestNotFound('join', id)
    return ctx.json(requestRecordJson(record))
  })

  app.post('/join-requests/:id/assessment', operator, async (ctx) => {
    const id = requestIdParam(ctx)
    const body = parseBody(assessmentBody, await readJson(ctx, 64 * 1024, { optional: true }))
    const actor = ctx.get('tokenName')
    // Unknown or decided requests are refused before anything is marked or re-run.
    const current = await c.store.getJoin(id)
    if (current === undefined) throw requestNotFound('join', id)
    if (current.status !== 'pending') throw new HttpError(409, 'membership-not-pending', `join request ${id} was already ${current.status}`, { id, status: current.status })
    for (const [item, mark] of Object.entries(body.checklist ?? {})) {
      await c.store.markChecklist(id, item as ChecklistItem, { actor, ok: mark.ok, ...(mark.note === undefined ? {} : { note: mark.note }) })
    }
    if (body.rerun === true || body.checklist === undefined) await assess(id, actor)
    const record = await c.store.getJoin(id)
    if (record === undefined) throw requestNotFound('join', id)
    return ctx.json(requestRecordJson(record))
  })
  app.post('/join-requests/:id/approve', operator, async (ctx) => {
    const id = requestIdParam(ctx)
    const body = parseBody(optionalReasonBody, await readJson(ctx, 64 * 1024, { optional: true }))
    const actor = ctx.get('tokenName')
    const record = await c.store.approveJoin(id, {
      actor,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
      apply: async (r) => { await c.replica.append(c.key, joinRequestOps(r.request, c.replica.state), { actor, reason: body.reason ?? `join request ${r.id} approved` }) }
    })
    return ctx.json(requestRecordJson(record))
  })
  app.post('/join-requests/:id/reject', operator, async (ctx) => {
    const id = requestIdParam(ctx)
    const body = parseBody(reasonBody, await readJson(ctx, 64 * 1024))
    return ctx.json(requestRecordJson(await c.store.rejectJoin(id, { actor: ctx.get('tokenName'), reason: body.reason })))
  })

  // Public: a unit asks, signed by its node key, to pause its connection with a stated reason.
  app.post('/pause-requests', async (ctx) => {
    const signed = verifyPauseRequest(await readJson(ctx, 64 * 1024), { network: c.network })
    const record = await c.store.submitPause(signed)
    return ctx.json({ id: record.id, status: record.status, statusUrl: `/v1/pause-requests/${record.id}/status` }, 202)
  })
  app.get('/pause-requests/:id/status', async (ctx) => {
    const id = requestIdParam(ctx)
    const status = await c.store.publicPauseStatus(id)
    if (status === undefined) throw requestNotFound('pause', id)
    return ctx.json(status)
  })
  app.get('/pause-requests', viewer, async (ctx) => {
    const status = enumQuery(ctx, 'status', STATUSES)
    const after = requestIdQuery(ctx, 'after')
    const page = await c.store.listPauses({ limit: intQuery(ctx, 'limit', 100, 1000), ...(status === undefined ? {} : { status }), ...(after === undefined ? {} : { after }) })
    return ctx.json({ requests: page.items.map(requestRecordJson), ...(page.next === undefined ? {} : { next: page.next }) })
  })
  app.post('/pause-requests/:id/approve', operator, async (ctx) => {
    const id = requestIdParam(ctx)
    const actor = ctx.get('tokenName')
    const record = await c.store.approvePause(id, {
      actor,
      apply: async (r) => { await c.replica.append(c.key, [pauseRequestOp(r.request)], { actor, reason: r.request.reason }) }
    })
    return ctx.json(requestRecordJson(record))
  })
  app.post('/pause-requests/:id/reject', operator, async (ctx) => {
    const id = requestIdParam(ctx)
    const body = parseBody(reasonBody, await readJson(ctx, 64 * 1024))
    return ctx.json(requestRecordJson(await c.store.rejectPause(id, { actor: ctx.get('tokenName'), reason: body.reason })))
  })

  app.get('/audit', viewer, async (ctx) => {
    const order = enumQuery(ctx, 'order', ['asc', 'desc'] as const) ?? 'asc'
    const entries = await c.store.audit.list({ since: intQuery(ctx, 'since', 0), limit: intQuery(ctx, 'limit', 100, 1000), order })
    return ctx.json({ entries })
  })
  return app
}
