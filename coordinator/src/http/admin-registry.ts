import { Hono } from 'hono'
import type { NodeKey } from '@lienthong/crypto'
import type { JsonValue } from '@lienthong/errors'
import { bearerAuth, HttpError, HttpErrorCode, readJson, type TokenStore } from '@lienthong/http'
import type { RegistryReplica } from '@lienthong/protocol'
import { nodeJson, orgJson, parseOp, serviceJson, type RegistryOp } from '@lienthong/registry'
import { orgCodeParam, parseBody, peerIdParam } from './guards.js'
import { mergeBody, nodePatchBody, optionalReasonBody, orgCreateBody, orgPatchBody, promoteBody, reasonBody, reasonText, reinstateBody, revokeBody, serviceBody } from './schemas.js'

/** Records an admin action in the audit log (who, what, target, why). */
export type AuditFn = (entry: { actor: string, action: string, target: string, reason?: string, detail?: { [key: string]: JsonValue } }) => Promise<void>

export interface AdminRegistryComponents {
  replica: RegistryReplica
  key: NodeKey
  tokens: TokenStore
  audit: AuditFn
  /** Whether a trial node has passed the conformance exchange (promote needs it unless forced). */
  conformancePassed: (peerId: string) => boolean
}

type Env = { Variables: { tokenName: string, tokenRole: string } }



/**
 * Admin routes that change the registry: organisations, node states, services. Each change is
 * validated as a registry op (`parseOp`), appended signed with the caller's token name as actor
 * and the given reason, then written to the audit log.
 */
export function adminRegistryRoutes (c: AdminRegistryComponents): Hono<Env> {
  const app = new Hono<Env>()
  const operator = bearerAuth(c.tokens, 'operator')
  const security = bearerAuth(c.tokens, 'security')

  async function apply (actor: string, action: string, target: string, ops: RegistryOp[], reason: string | undefined, detail?: { [key: string]: JsonValue }): Promise<number> {
    // The signed entry cannot be taken back: check now what the audit entry will need.
    if (target.length < 1 || target.length > 256) throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'the target must have 1..256 characters', { field: 'target' })
    if (reason !== undefined && !reasonText.safeParse(reason).success) throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'the reason must be 1..2000 printable characters', { field: 'reason' })
    const valid = ops.map((op) => parseOp(op))
    const applied = await c.replica.append(c.key, valid, { actor, ...(reason === undefined ? {} : { reason }) })
    await c.audit({ actor, action, target, ...(reason === undefined ? {} : { reason }), detail: { ...detail, seq: applied.at(-1)?.seq ?? null } })
    return applied.at(-1)?.seq ?? c.replica.seq
  }

  app.post('/orgs', operator, async (ctx) => {
    const { reason, ...fields } = parseBody(orgCreateBody, await readJson(ctx))
    const seq = await apply(ctx.get('tokenName'), 'org.create', fields.code, [{ type: 'org.create', ...fields }], reason)
    return ctx.json({ seq, org: orgJson(c.replica.state.orgs.get(fields.code)!) }, 201)
  })

  app.patch('/orgs/:code', operator, async (ctx) => {
    const code = orgCodeParam(ctx)
    const { reason, name, retire, ...fields } = parseBody(orgPatchBody, await readJson(ctx))
    const ops: RegistryOp[] = []
    if (name !== undefined) ops.push({ type: 'org.rename', code, name })
    if (Object.keys(fields).length > 0) ops.push({ type: 'org.update', code, fields })
    if (retire !== undefined) ops.push({ type: 'org.retire', code, ...(retire.successor === undefined ? {} : { successor: retire.successor }) })
    if (ops.length === 0) throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'nothing to change: give name, level, parent, kind, aliases or retire', { field: '(body)' })
    const seq = await apply(ctx.get('tokenName'), 'org.update', code, ops, reason)
    return ctx.json({ seq, org: orgJson(c.replica.state.orgs.get(code)!) })
  })

  app.post('/orgs/:code/merge', operator, async (ctx) => {
    const into = orgCodeParam(ctx)
    const { reason, from, name, at } = parseBody(mergeBody, await readJson(ctx))
    const seq = await apply(ctx.get('tokenName'), 'org.merge', into, [{ type: 'org.merge', from, into, ...(name === undefined ? {} : { name }), ...(at === undefined ? {} : { at }) }], reason)
    return ctx.json({ seq, org: orgJson(c.replica.state.orgs.get(into)!) })
  })


  // After admission: the codes a unit's node hosts (a merger, a new sub-unit: the full new list;
  // another node's code or a closed one is refused, 409) and its contacts (who gets the alerts).
  app.patch('/nodes/:peerId', operator, async (ctx) => {
    const peerId = peerIdParam(ctx)
    const { orgs, contacts, reason } = parseBody(nodePatchBody, await readJson(ctx))
    if (orgs === undefined && contacts === undefined) throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'nothing to change: give orgs, contacts or both', { field: '(body)' })
    if (!c.replica.state.nodes.has(peerId)) throw new HttpError(404, 'registry-unknown-node', `no node ${peerId} in the registry`, { peerId })
    const ops: RegistryOp[] = []
    if (orgs !== undefined) ops.push({ type: 'node.update-orgs', peerId, orgs })
    if (contacts !== undefined) ops.push({ type: 'node.update-contacts', peerId, contacts })
    const action = orgs === undefined ? 'node.update-contacts' : contacts === undefined ? 'node.update-orgs' : 'node.update'
    // The audit entry names what changed, never the contacts themselves (personal data).
    const seq = await apply(ctx.get('tokenName'), action, peerId, ops, reason, { ...(orgs === undefined ? {} : { orgs }), contactsChanged: contacts !== undefined })
    return ctx.json({ seq, node: nodeJson(c.replica.state.nodes.get(peerId)!, { includeContacts: true }) })
  })
  app.post('/nodes/:peerId/promote', operator, async (ctx) => {
    const peerId = peerIdParam(ctx)
    const body = parseBody(promoteBody, await readJson(ctx, 1 << 20, { optional: true }))
    if (!c.replica.state.nodes.has(peerId)) throw new HttpError(404, 'registry-unknown-node', `no node ${peerId} in the registry`, { peerId })
    if (!c.conformancePassed(peerId)) {
      if (body.force !== true || body.reason === undefined) {
        throw new HttpError(409, 'conformance-required', 'this node has not passed the conformance exchange; pass {"force": true, "reason": "..."} to promote anyway', { peerId })
      }
    }
    const seq = await apply(ctx.get('tokenName'), 'node.promote', peerId, [{ type: 'node.promote', peerId }], body.reason, { forced: body.force === true })
    return ctx.json({ seq, node: nodeJson(c.replica.state.nodes.get(peerId)!, { includeContacts: true }) })
  })
  app.post('/nodes/:peerId/suspend', operator, async (ctx) => {
    const peerId = peerIdParam(ctx)
    const { reason } = parseBody(reasonBody, await readJson(ctx))
    const seq = await apply(ctx.get('tokenName'), 'node.suspend', peerId, [{ type: 'node.suspend', peerId, reason }], reason)
    return ctx.json({ seq, node: nodeJson(c.replica.state.nodes.get(peerId)!, { includeContacts: true }) })
  })
  app.post('/nodes/:peerId/resume', operator, async (ctx) => {
    const peerId = peerIdParam(ctx)
    const { reason } = parseBody(optionalReasonBody, await readJson(ctx, 1 << 20, { optional: true }))
    const seq = await apply(ctx.get('tokenName'), 'node.resume', peerId, [{ type: 'node.resume', peerId }], reason)
    return ctx.json({ seq, node: nodeJson(c.replica.state.nodes.get(peerId)!, { includeContacts: true }) })
  })
  app.post('/nodes/:peerId/revoke', security, async (ctx) => {
    const peerId = peerIdParam(ctx)
    const { incident, reason } = parseBody(revokeBody, await readJson(ctx))
    const seq = await apply(ctx.get('tokenName'), 'node.revoke', peerId, [{ type: 'node.revoke', peerId, incident }], reason ?? `security incident ${incident}`, { incident })
    return ctx.json({ seq, node: nodeJson(c.replica.state.nodes.get(peerId)!, { includeContacts: true }) })
  })
  app.post('/nodes/:peerId/reinstate', security, async (ctx) => {
    const peerId = peerIdParam(ctx)
    const { remediation, to, reason } = parseBody(reinstateBody, await readJson(ctx))
    const seq = await apply(ctx.get('tokenName'), 'node.reinstate', peerId, [{ type: 'node.reinstate', peerId, remediation, to }], reason ?? `remediation: ${remediation.summary.slice(0, 200)}`)
    return ctx.json({ seq, node: nodeJson(c.replica.state.nodes.get(peerId)!, { includeContacts: true }) })
  })

  app.post('/services', operator, async (ctx) => {
    const { reason, ...fields } = parseBody(serviceBody, await readJson(ctx))
    const seq = await apply(ctx.get('tokenName'), 'service.upsert', fields.id, [{ type: 'service.upsert', ...fields }], reason)
    return ctx.json({ seq, service: serviceJson(c.replica.state.services.get(fields.id)!) }, 201)
  })
  app.delete('/services/:id', operator, async (ctx) => {
    const id = ctx.req.param('id')
    const reason = ctx.req.query('reason')
    if (reason !== undefined && !reasonText.safeParse(reason).success) {
      throw new HttpError(400, HttpErrorCode.BAD_QUERY, 'query parameter "reason" must be 1..2000 printable characters', { field: 'reason' })
    }
    const seq = await apply(ctx.get('tokenName'), 'service.remove', id, [{ type: 'service.remove', id }], reason)
    return ctx.json({ seq, removed: id })
  })
  return app
}
