import { openStream, type NodeKey } from '@lienthong/crypto'
import { decodeEnvelope, isUlid, type DecodedEnvelope } from '@lienthong/envelope'
import { LienthongError } from '@lienthong/errors'
import type { BlobStore, Inbox, InboxEntry, OutboxRecord } from '@lienthong/store'
import { INLINE_VIEW_MAX_BYTES } from './constants.js'
import { RelayErrorCode } from './errors.js'
import { openStatus, plaintextLength, readSealPrefix, sealHeaderLength, sealedLayout } from './payload-info.js'
import type { DeliveryView, InboxView, OutboxView, RecipientRoute, StatusView } from './types.js'

/** Decode stored envelope bytes (already verified when stored; no size limit applies here). */
export function storedEnvelope (bytes: Uint8Array): DecodedEnvelope {
  return decodeEnvelope(bytes, { maxPayloadBytes: Number.MAX_SAFE_INTEGER })
}

function notFound (id: string): LienthongError {
  return new LienthongError(RelayErrorCode.NOT_FOUND, 'no such inbox entry', { id: String(id).slice(0, 40) })
}

/** Read-side of the relay: inbox and outbox as the node API shows them; decrypts only this node's own inbox. */
export class RelayViews {
  constructor (private readonly key: NodeKey, private readonly blobs: BlobStore, private readonly inbox: Inbox) {}

  /** A received document entry (statuses are not documents: undefined). */
  async documentEntry (id: string): Promise<{ entry: InboxEntry, envelope: DecodedEnvelope } | undefined> {
    if (!isUlid(id)) return undefined
    const entry = await this.inbox.get(id)
    if (entry === undefined) return undefined
    const envelope = storedEnvelope(entry.envelopeBytes)
    return envelope.header.kind === 'document' ? { entry, envelope } : undefined
  }

  /** Sealed payload bytes of an entry, as a stream (inline ones as one piece). */
  private sealed (entry: InboxEntry, envelope: DecodedEnvelope): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
    // One read buffer for the whole blob: openStream copies what it keeps before it asks for more.
    if (entry.payloadHash !== undefined) return this.blobs.read(entry.payloadHash, undefined, { reuse: true })
    return [envelope.payload ?? new Uint8Array(0)]
  }

  /** The plaintext, decrypted with this node's key as it is read. */
  plaintext (entry: InboxEntry, envelope: DecodedEnvelope): AsyncIterable<Uint8Array> {
    return openStream(this.sealed(entry, envelope), this.key)
  }

  /** Plaintext length, from the sealed header's recipient count and chunk size. */
  async plainLength (entry: InboxEntry, envelope: DecodedEnvelope): Promise<number> {
    let prefix = envelope.payload
    if (prefix === null) {
      if (entry.payloadHash === undefined) return 0
      prefix = await readSealPrefix(this.blobs.read(entry.payloadHash, 4096))
    }
    const layout = sealedLayout(prefix)
    return layout === undefined ? 0 : plaintextLength(envelope.header.payloadLength, layout.headerLength, layout.chunkSize)
  }

  async inboxView (entry: InboxEntry, envelope: DecodedEnvelope, inline: boolean): Promise<InboxView> {
    const { header } = envelope
    const length = await this.plainLength(entry, envelope)
    let payload: string | null = null
    if (inline && length <= INLINE_VIEW_MAX_BYTES) {
      const parts: Uint8Array[] = []
      for await (const part of this.plaintext(entry, envelope)) parts.push(part)
      payload = Buffer.concat(parts).toString('base64')
    }
    return {
      id: entry.id,
      cursor: entry.cursor,
      from: { org: header.senderOrg, node: entry.senderPeerId },
      to: [...header.recipients],
      contentType: header.contentType,
      createdAt: header.createdAt,
      receivedAt: entry.receivedAt,
      expiresAt: header.expiresAt,
      length,
      acked: entry.acked,
      payload
    }
  }

  /** `inboxView` of an entry, or undefined for a status envelope (not shown in the document inbox). */
  async documentView (entry: InboxEntry, inline: boolean): Promise<InboxView | undefined> {
    const envelope = storedEnvelope(entry.envelopeBytes)
    return envelope.header.kind === 'document' ? await this.inboxView(entry, envelope, inline) : undefined
  }

  /** The decrypted payload stream of a received document; `not-found` otherwise. */
  async openPayload (id: string): Promise<{ contentType: string, length: number, stream: AsyncIterable<Uint8Array> }> {
    const found = await this.documentEntry(id)
    if (found === undefined) throw notFound(id)
    const { entry, envelope } = found
    return { contentType: envelope.header.contentType, length: await this.plainLength(entry, envelope), stream: this.plaintext(entry, envelope) }
  }

  /** The note of a status this node received (its own inbox), if it has one. */
  async statusNote (envelopeId: string): Promise<string | undefined> {
    const entry = await this.inbox.get(envelopeId)
    const payload = entry === undefined ? null : storedEnvelope(entry.envelopeBytes).payload
    return payload === null ? undefined : openStatus(payload, this.key)?.note
  }

  /**
   * Plaintext length of a sent payload: from its header when inline; else as sealed now, once with
   * the default chunk size for every distinct recipient node (a payload sealed in format v1, before
   * v2, kept out of line, reads 16 bytes short).
   */
  private sentLength (envelope: DecodedEnvelope, nodes: number): number {
    const layout = envelope.payload === null ? undefined : sealedLayout(envelope.payload)
    return plaintextLength(envelope.header.payloadLength, layout?.headerLength ?? sealHeaderLength(nodes), layout?.chunkSize)
  }

  async outboxView (record: OutboxRecord): Promise<OutboxView> {
    const envelope = storedEnvelope(record.envelopeBytes)
    const { header } = envelope
    const nodes = [...new Set(record.recipients.map(r => r.nodePeerId))]
    const to = record.recipients.map((r): RecipientRoute => ({
      org: r.redirectedFrom ?? r.org, effectiveOrg: r.org, redirected: r.redirectedFrom !== undefined, node: r.nodePeerId
    }))
    const deliveries = record.deliveries.map((d): DeliveryView => ({
      node: d.peerId,
      orgs: [...new Set(record.recipients.filter(r => r.nodePeerId === d.peerId).map(r => r.org))],
      state: d.state,
      attempts: d.attempts,
      nextAttemptAt: d.state === 'queued' ? d.nextAttemptAt : null,
      receipt: d.receipt === undefined ? null : Buffer.from(d.receipt).toString('base64'),
      deliveredAt: d.state === 'delivered' ? d.updatedAt : null,
      error: d.lastError === undefined ? null : { code: d.lastError.code, ...(d.lastError.message === '' ? {} : { message: d.lastError.message }) }
    }))
    const statuses: StatusView[] = []
    for (const s of record.statuses) {
      const note = await this.statusNote(s.envelopeId)
      statuses.push({ code: s.code, at: s.at, from: s.from, envelopeId: s.envelopeId, ...(note === undefined ? {} : { note }) })
    }
    return {
      id: record.id,
      from: header.senderOrg,
      to,
      contentType: header.contentType,
      createdAt: header.createdAt,
      expiresAt: header.expiresAt,
      payloadLength: this.sentLength(envelope, nodes.length),
      deliveries,
      statuses
    }
  }
}
