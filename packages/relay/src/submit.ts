import { SIGNATURE_LENGTH, type NodeKey } from '@lienthong/crypto'
import {
  MAX_TTL_MS, createEnvelope, encodeEnvelope, isContentType, isOrgCode, type DecodedEnvelope
} from '@lienthong/envelope'
import { LienthongError, type Logger } from '@lienthong/errors'
import type { Host, RegistryReplica } from '@lienthong/protocol'
import type { BlobStore, Outbox } from '@lienthong/store'
import { MAX_SUBMIT_RECIPIENTS, STATUS_CONTENT_TYPE } from './constants.js'
import { RelayErrorCode } from './errors.js'
import { UlidFactory } from './ids.js'
import { encodeStatus, type StatusPayload } from './payload-info.js'
import { activeSelf, routeSubmission } from './routing.js'
import { sealPayload, type SealedPayload } from './seal-payload.js'
import type { SubmitRequest, SubmitResult } from './types.js'

/** What submission works with. */
export interface SubmitDeps {
  key: NodeKey
  host: Host
  replica: RegistryReplica
  blobs: BlobStore
  outbox: Outbox
  log: Logger
  now: () => number
  maxPayloadBytes: number
  defaultTtlMs: number
  inlinePayloadMaxBytes: number
  /** New deliveries were queued for these recipient nodes. */
  notify: (peers: string[]) => void
}

/** An envelope to submit: a document, or a status answering one. */
interface Submission extends SubmitRequest {
  kind: 'document' | 'status'
  reference?: string
}

function badRequest (field: string, message: string): LienthongError {
  return new LienthongError(RelayErrorCode.BAD_REQUEST, message, { field })
}

function isPayload (value: unknown): value is Uint8Array | AsyncIterable<Uint8Array> {
  return value instanceof Uint8Array ||
    (typeof value === 'object' && value !== null && typeof (value as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function')
}

/** `bad-request` (with `meta.field`) for a malformed submission. */
export function checkRequest (request: SubmitRequest): void {
  if (typeof request !== 'object' || request === null) throw badRequest('(body)', 'a submission must be an object')
  if (!isOrgCode(request.from)) throw badRequest('from', 'from must be an organisation code')
  const { to } = request
  if (!Array.isArray(to) || to.length < 1 || to.length > MAX_SUBMIT_RECIPIENTS) throw badRequest('to', `to must list 1..${MAX_SUBMIT_RECIPIENTS} organisation codes`)
  to.forEach((code, index) => { if (!isOrgCode(code)) throw badRequest(`to.${index}`, 'recipients must be organisation codes') })
  if (new Set(to).size !== to.length) throw badRequest('to', 'a recipient is listed twice')
  if (!isContentType(request.contentType)) throw badRequest('contentType', 'contentType must be a MIME type such as application/pdf')
  if (!isPayload(request.payload)) throw badRequest('payload', 'payload must be bytes or a stream of bytes')
  const { ttlMs } = request
  if (ttlMs !== undefined && (!Number.isSafeInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS)) throw badRequest('ttlMs', `ttlMs must be an integer in 1..${MAX_TTL_MS}`)
}

/**
 * Submission: validate, route every recipient through the registry, seal the payload once for
 * all recipient nodes (streamed into the blob store when large), sign one envelope, and store
 * it in the outbox with one delivery per recipient node: durable (fsync) before it resolves.
 */
export class Submitter {
  private readonly ids = new UlidFactory()

  constructor (private readonly d: SubmitDeps) {}

  async submit (request: SubmitRequest): Promise<SubmitResult> {
    checkRequest(request)
    return await this.send({ ...request, kind: 'document' })
  }

  /** A status about a received document, back to the organisation that sent it. */
  async submitStatus (document: DecodedEnvelope, from: string, status: StatusPayload): Promise<SubmitResult> {
    return await this.send({
      kind: 'status', reference: document.header.id, from, to: [document.header.senderOrg], contentType: STATUS_CONTENT_TYPE, payload: encodeStatus(status)
    })
  }

  private async send (s: Submission): Promise<SubmitResult> {
    const state = this.d.replica.state
    const self = activeSelf(state, this.d.host.peerId)
    const routing = routeSubmission(state, self, s.from, s.to)
    const maxEnvelopeBytes = state.params.maxEnvelopeBytes
    const sealed = await sealPayload(s.payload, routing.nodes.map(n => n.sealingPublicKey), this.d.blobs, {
      inlineMaxBytes: this.d.inlinePayloadMaxBytes, maxPlainBytes: this.d.maxPayloadBytes, maxSealedBytes: maxEnvelopeBytes
    })
    let owner: string | undefined
    try {
      const createdAt = this.d.now()
      const payloadHash = sealed.kind === 'blob' ? new Uint8Array(Buffer.from(sealed.blob.hash, 'hex')) : undefined
      const payload = sealed.kind === 'inline' ? sealed.sealed : { hash: payloadHash as Uint8Array, length: sealed.blob.length }
      // Signed here, not on the thread pool: measured at full load, handing each signature to a
      // pool thread cost more CPU in thread wake-ups than it saved the main thread (−70 µs/envelope).
      const envelope = createEnvelope({
        kind: s.kind,
        senderOrg: s.from,
        recipients: routing.recipients,
        contentType: s.contentType,
        ttlMs: s.ttlMs ?? this.d.defaultTtlMs,
        ...(s.reference === undefined ? {} : { reference: s.reference })
      }, this.d.key, payload, { now: createdAt, id: this.ids.next(createdAt), limits: { maxPayloadBytes: maxEnvelopeBytes } })
      const { id, expiresAt, payloadLength } = envelope.header
      if (envelope.headerBytes.length + SIGNATURE_LENGTH + payloadLength > maxEnvelopeBytes) {
        throw new LienthongError(RelayErrorCode.PAYLOAD_TOO_LARGE, 'the envelope is larger than the network allows', { limit: maxEnvelopeBytes, what: 'envelope' })
      }
      if (sealed.kind === 'blob') {
        owner = `outbox/${id}`
        await this.d.blobs.addOwner(sealed.blob.hash, owner)
      }
      await this.d.outbox.submit({
        id,
        envelopeBytes: encodeEnvelope(envelope),
        ...(payloadHash === undefined ? {} : { payloadHash }),
        recipients: routing.routes.map(r => ({ org: r.effectiveOrg, nodePeerId: r.node, ...(r.redirected ? { redirectedFrom: r.org } : {}) })),
        createdAt,
        expiresAt
      })
      this.d.log.debug({ id, kind: s.kind, nodes: routing.nodes.length, detached: sealed.kind === 'blob' }, 'envelope queued')
      this.d.notify(routing.nodes.map(n => n.peerId))
      return { id, recipients: routing.routes, warnings: routing.warnings }
    } catch (err) {
      await this.dropBlob(sealed, owner)
      throw err
    }
  }

  private async dropBlob (sealed: SealedPayload, owner: string | undefined): Promise<void> {
    if (sealed.kind !== 'blob') return
    try {
      if (owner === undefined) await this.d.blobs.delete(sealed.blob.hash)
      else await this.d.blobs.release(sealed.blob.hash, owner)
    } catch (err) {
      this.d.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not remove the sealed payload of a refused submission')
    }
  }
}
