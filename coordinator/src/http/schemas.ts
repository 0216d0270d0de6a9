import { z } from 'zod'
import { CHECKLIST_ITEMS } from '@lienthong/membership'

/**
 * The JSON bodies of the coordinator's POST and PATCH routes: the routes validate with them and
 * /openapi.json publishes them (as JSON Schema), so the document cannot drift from the code.
 */

// The audit log refuses control characters (line breaks and tabs aside): refuse them here, before
// anything is written, so that a registry change is never left without its audit entry.
const PRINTABLE_TEXT = /^(?:[^\p{Cc}]|[\t\n\r])*$/u
const PRINTABLE_LINE = /^[^\p{Cc}]*$/u

/** An operator's reason: 1..2000 characters (the audit log's limit), line breaks allowed. */
export const reasonText = z.string().trim().min(1).max(2000).regex(PRINTABLE_TEXT, 'must not contain control characters')
const reason = reasonText
const kind = z.enum(['ministry', 'province', 'council', 'agency', 'unit'])

/** `POST /v1/orgs`. */
export const orgCreateBody = z.object({
  code: z.string(), name: z.string(), level: z.number().int().optional(), parent: z.string().optional(),
  kind: kind.optional(), aliases: z.array(z.string()).optional(), reason: reason.optional()
}).strict()

/** `PATCH /v1/orgs/:code`. */
export const orgPatchBody = z.object({
  name: z.string().optional(), level: z.number().int().optional(), parent: z.string().optional(),
  kind: kind.optional(), aliases: z.array(z.string()).optional(),
  retire: z.object({ successor: z.string().optional() }).strict().optional(), reason: reason.optional()
}).strict()

/** `POST /v1/orgs/:code/merge`. */
export const mergeBody = z.object({ from: z.array(z.string()).min(1), name: z.string().optional(), at: z.number().int().optional(), reason: reason.optional() }).strict()

/** `POST /v1/nodes/:peerId/promote` (optional body). */
export const promoteBody = z.object({ force: z.boolean().optional(), reason: reason.optional() }).strict()

/** A body that must give a reason: suspend, and the rejections of join and pause requests. */
export const reasonBody = z.object({ reason }).strict()

/** A body whose reason is optional: resume, the approval of a join request. */
export const optionalReasonBody = z.object({ reason: reason.optional() }).strict()

/**
 * `PATCH /v1/nodes/:peerId`: the organisation codes the node hosts from now on (all of them),
 * and/or its unit's contacts (who is notified when it goes offline), with the decision as reason.
 */
export const nodePatchBody = z.object({
  orgs: z.array(z.string()).min(1).max(1000).optional(),
  contacts: z.object({ email: z.array(z.string()).max(20), phone: z.array(z.string()).max(20) }).strict().optional(),
  reason
}).strict()

/** `POST /v1/nodes/:peerId/revoke`. */
export const revokeBody = z.object({ incident: z.string().trim().min(1).max(200).regex(PRINTABLE_LINE, 'must be one line of printable characters'), reason: reason.optional() }).strict()

/** `POST /v1/nodes/:peerId/reinstate`. */
export const reinstateBody = z.object({
  remediation: z.object({ summary: z.string().trim().min(1).max(4000).regex(PRINTABLE_TEXT, 'must not contain control characters'), ref: z.string().max(200).optional() }).strict(),
  to: z.enum(['trial', 'official']), reason: reason.optional()
}).strict()

/** `POST /v1/services`. */
export const serviceBody = z.object({ id: z.string().min(1).max(128), org: z.string(), name: z.string(), description: z.string().optional(), protocol: z.string(), reason: reason.optional() }).strict()

/** `POST /v1/join-requests/:id/assessment` (optional body: without a checklist the automated checks run again). */
export const assessmentBody = z.object({
  rerun: z.boolean().optional(),
  checklist: z.partialRecord(z.enum(CHECKLIST_ITEMS), z.object({ ok: z.boolean(), note: z.string().max(2000).optional() }).strict()).optional()
}).strict()

/** `POST /v1/join-requests` and `POST /v1/pause-requests`: the signed request, both parts in standard base64 (documentation only: membership verifies it). */
export const signedRequestBody = z.object({ request: z.base64(), signature: z.base64() }).strict()
