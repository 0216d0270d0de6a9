import type { NodeKey } from '@lienthong/crypto'
import {
  createReceipts, decodeEnvelope, encodeReceipt, type DecodedEnvelope, type SignedReceipt
} from '@lienthong/envelope'
import { LienthongError, type Logger } from '@lienthong/errors'
import {
  serveDeliveries, type DeliveryResponse, type DeliveryServer, type Host, type IncomingEnvelope, type RegistryReplica
} from '@lienthong/protocol'
import type { BlobInfo, BlobStore, Inbox, InboxItem, Outbox } from '@lienthong/store'
import { BlobSink, FinishLimit } from './blob-sink.js'
import { checkIncoming, peerKey, type CheckContext } from './checks.js'
import { BLOB_FINISH_CONCURRENCY, RECEIVER_PENDING_BATCHES, WIRE_MAX_ENVELOPE_BYTES } from './constants.js'
import type { RelayMetrics } from './metrics.js'
import { openStatus, type StatusPayload } from './payload-info.js'
import type { RefusalLog } from './refusal-log.js'
import { RefusalCode } from './refusals.js'

/** What the receiver works with. */
export interface ReceiverDeps {
  key: NodeKey
  host: Host
  replica: RegistryReplica
  blobs: BlobStore
  outbox: Outbox
  inbox: Inbox
  metrics: RelayMetrics
  refusals: RefusalLog
  log: Logger
  now: () => number
  maxClockSkewMs: number
}

/** An envelope taken whole (off the wire or from this node's own outbox). */
interface Candidate {
  envelope: DecodedEnvelope
  bytes: Uint8Array
  /** The stored detached payload. */
  blob?: BlobInfo
  seq: number
}

interface Accepted {
  index: number
  candidate: Candidate
  status?: StatusPayload
}

const owner = (id: string): string => `inbox/${id}`

/**
 * The receiving side of delivery: applies every check of architecture §4 to each envelope,
 * persists the accepted ones in one group commit (`Inbox.accept`: duplicates get the original
 * receipt) and only then answers with signed receipts. A refused envelope leaves nothing
 * behind. Status envelopes are recorded on the referenced outbox record and acknowledged at once.
 */
export class RelayReceiver {
  private server: DeliveryServer | undefined
  private readonly finishing = new FinishLimit(BLOB_FINISH_CONCURRENCY)

  constructor (private readonly d: ReceiverDeps) {}

  async start (): Promise<void> {
    this.server ??= await serveDeliveries<BlobSink>(this.d.host, {
      handle: async (batch, remote) => await this.fromWire(batch, remote),
      openPayload: (envelope, remote) => this.openPayload(envelope, remote),
      // The registry's maxEnvelopeBytes (which may change) is applied per envelope in checkIncoming.
      maxEnvelopeBytes: WIRE_MAX_ENVELOPE_BYTES,
      // receive() is safe to run concurrently (Inbox.accept dedupes across calls).
      maxPendingBatches: RECEIVER_PENDING_BATCHES,
      onEvent: (event) => { this.d.refusals.onEvent(event) }
    })
  }

  async stop (): Promise<void> {
    const server = this.server
    this.server = undefined
    await server?.close()
  }

  private context (remotePeerId: string): CheckContext {
    return {
      state: this.d.replica.state,
      selfPeerId: this.d.host.peerId,
      remotePeerId,
      remoteKey: peerKey(remotePeerId),
      now: this.d.now(),
      maxClockSkewMs: this.d.maxClockSkewMs
    }
  }

  /** Check a detached payload's envelope before a byte of it is stored; refuse by throwing its code. */
  private openPayload (envelope: DecodedEnvelope, remote: string): BlobSink {
    const { header } = envelope
    let code = checkIncoming(envelope, this.context(remote))
    if (code === undefined && header.kind === 'status') code = RefusalCode.STATUS_MALFORMED // statuses travel inline
    if (code !== undefined) {
      this.d.refusals.payload(remote, header.id, code)
      throw new LienthongError(code, 'envelope refused', { id: header.id })
    }
    return new BlobSink(this.d.blobs, owner(header.id), {
      maxBytes: header.payloadLength, expectedHash: header.payloadHash, expectedLength: header.payloadLength
    }, this.finishing)
  }

  private async fromWire (batch: Array<IncomingEnvelope<BlobSink>>, remote: string): Promise<DeliveryResponse[]> {
    // Detached payloads must be durable before their envelopes are accepted (a failure here
    // resets the stream: the sender retries).
    // (Most envelopes carry their payload inline: no promise for those.)
    const stored: Array<Promise<void>> = []
    const candidates = batch.map(({ envelope, bytes, seq, payloadSink }): Candidate => {
      const candidate: Candidate = { envelope, bytes, seq }
      if (payloadSink !== undefined) stored.push(payloadSink.stored().then(blob => { if (blob !== undefined) candidate.blob = blob }))
      return candidate
    })
    if (stored.length > 0) await Promise.all(stored)
    return await this.receive(candidates, remote, false)
  }

  /** Deliver an envelope of this node's own outbox to a recipient hosted here (no wire). */
  async receiveLocal (envelopeBytes: Uint8Array, payloadHash: Uint8Array | undefined): Promise<DeliveryResponse> {
    const envelope = decodeEnvelope(envelopeBytes, { maxPayloadBytes: Number.MAX_SAFE_INTEGER })
    let blob: BlobInfo | undefined
    if (payloadHash !== undefined) {
      blob = await this.d.blobs.stat(payloadHash)
      if (blob === undefined) throw new LienthongError('blob-not-found', 'the sealed payload is missing from the blob store')
      await this.d.blobs.addOwner(payloadHash, owner(envelope.header.id))
    }
    const [response] = await this.receive([{ envelope, bytes: envelopeBytes, seq: 0, ...(blob === undefined ? {} : { blob }) }], this.d.host.peerId, true)
    return response as DeliveryResponse
  }

  private async receive (candidates: Candidate[], remote: string, local: boolean): Promise<DeliveryResponse[]> {
    const ctx = this.context(remote)
    const responses: DeliveryResponse[] = new Array<DeliveryResponse>(candidates.length)
    const accepted: Accepted[] = []
    for (const [index, candidate] of candidates.entries()) {
      const { header } = candidate.envelope
      let code = checkIncoming(candidate.envelope, ctx)
      let status: StatusPayload | undefined
      if (code === undefined && header.kind === 'status') {
        const checked = await this.checkStatus(candidate.envelope, remote)
        if ('code' in checked) code = checked.code
        else status = checked.status
      }
      if (code !== undefined) {
        responses[index] = { status: 'refused', code }
        if (local) this.d.refusals.local(header.id, code)
        else this.d.refusals.handler(remote, candidate.seq, header.id, code)
        await this.discard(candidate)
        continue
      }
      accepted.push(status === undefined ? { index, candidate } : { index, candidate, status })
    }
    if (accepted.length === 0) return responses
    const receivedAt = ctx.now
    // One signature for the batch's receipts (each with its Merkle proof, verifiable on its own).
    const receipts = createReceipts(accepted.map(({ candidate }) => candidate.envelope), this.d.key, { now: receivedAt })
    const items = accepted.map(({ candidate }, i): InboxItem => {
      const { envelope, bytes, blob } = candidate
      const receipt = encodeReceipt(receipts[i] as SignedReceipt)
      const item: InboxItem = {
        id: envelope.header.id, senderPeerId: remote, envelopeBytes: bytes, payloadLength: envelope.header.payloadLength, receiptBytes: receipt, receivedAt
      }
      if (blob !== undefined) item.payloadHash = new Uint8Array(Buffer.from(blob.hash, 'hex'))
      return item
    })
    // One group commit for the batch; only then are receipts handed back.
    const results = await this.d.inbox.accept(items)
    for (const [i, result] of results.entries()) {
      const { index, candidate, status } = accepted[i] as Accepted
      responses[index] = { status: 'receipted', receipt: result.receipt }
      if (!result.duplicate) this.d.metrics.received.inc()
      else await this.discard(candidate)
      if (status !== undefined) await this.recordStatus(candidate.envelope, status)
    }
    return responses
  }

  /**
   * A status must open with our key (it is addressed to this node: the one payload a receiver
   * opens on arrival), carry a national code, and answer a document we sent to this peer.
   */
  private async checkStatus (envelope: DecodedEnvelope, remote: string): Promise<{ status: StatusPayload } | { code: string }> {
    const status = envelope.payload === null ? undefined : openStatus(envelope.payload, this.d.key)
    if (status === undefined) return { code: RefusalCode.STATUS_MALFORMED }
    const reference = envelope.header.reference
    const record = reference === undefined ? undefined : await this.d.outbox.get(reference)
    if (record === undefined || !record.deliveries.some(d => d.peerId === remote)) return { code: RefusalCode.STATUS_UNKNOWN_REFERENCE }
    return { status }
  }

  /** Record a status on its outbox record and hide it from the inbox (both idempotent: redone for a duplicate). */
  private async recordStatus (envelope: DecodedEnvelope, status: StatusPayload): Promise<void> {
    const { header } = envelope
    if (header.reference === undefined) return
    // Hidden first, so that once the status shows on the record it is not counted as unacked.
    // A crash in between is safe: the receipt is sent after both, so the sender sends it again.
    await this.d.inbox.ack(header.id, this.d.now())
    await this.d.outbox.addStatus(header.reference, { code: status.code, at: header.createdAt, from: header.senderOrg, envelopeId: header.id })
  }

  /**
   * Drop the blob a refused or duplicate envelope brought, unless the inbox entry of that id
   * owns the same content (the owner `inbox/<id>` is shared with the original).
   */
  private async discard (candidate: Candidate): Promise<void> {
    const { blob } = candidate
    if (blob === undefined) return
    const id = candidate.envelope.header.id
    const stored = await this.d.inbox.get(id)
    if (stored?.payloadHash !== undefined && Buffer.from(stored.payloadHash).toString('hex') === blob.hash) return
    await this.d.blobs.release(blob.hash, owner(id))
  }
}
