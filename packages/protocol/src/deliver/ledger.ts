import type { LienthongError } from '@lienthong/errors'
import { DeliveryErrorCode, deliveryError } from './errors.js'
import type { DeliveryOutcome } from './types.js'

/** How a `send()` is settled. */
export interface Deferred {
  resolve: (outcome: DeliveryOutcome) => void
  reject: (err: LienthongError) => void
}

/** An envelope written (or being written) and not yet answered. */
export interface InFlight extends Deferred {
  seq: number
  /** Bytes of this envelope counted in flight now. */
  bytes: number
  /** Length of its ENVELOPE frame (in flight until the answer). */
  frameBytes: number
  /** Payload bytes sent, and acknowledged by the receiver's sink (PAYLOAD_ACK). */
  payloadSent: number
  payloadAcked: number
  /** Answered: stop streaming its payload, count nothing more. */
  answered: boolean
  /** The payload source failed: the receiver's answer is replaced by this. */
  localError?: LienthongError
}

function badFrame (reason: string, seq: number): LienthongError {
  return deliveryError(DeliveryErrorCode.BAD_FRAME, 'unexpected frame from the receiver', { reason, seq })
}

/**
 * The sender's account of what is in flight: sequence numbers, bytes per envelope (its frame
 * until answered, payload bytes until acknowledged), answers taken strictly in order.
 */
export class InFlightLedger {
  private readonly entries = new Map<number, InFlight>()
  private nextSeq = 0
  private nextAnswer = 0
  /** Bytes in flight now. */
  bytes = 0
  /** Most bytes ever in flight at once. */
  peak = 0

  /** Envelopes in flight. */
  get size (): number { return this.entries.size }

  /** Number the next envelope and track it. */
  open (deferred: Deferred): InFlight {
    // Named fields, not a spread: `deferred` is the caller's queue item (more fields, copied per envelope).
    const entry: InFlight = {
      resolve: deferred.resolve, reject: deferred.reject, seq: this.nextSeq++, bytes: 0, frameBytes: 0, payloadSent: 0, payloadAcked: 0, answered: false
    }
    this.entries.set(entry.seq, entry)
    return entry
  }

  /** Count bytes written for `entry` (its ENVELOPE frame, or payload bytes). */
  count (entry: InFlight, length: number, kind: 'frame' | 'payload'): void {
    if (entry.answered) return
    if (kind === 'frame') entry.frameBytes += length
    else entry.payloadSent += length
    entry.bytes += length
    this.bytes += length
    if (this.bytes > this.peak) this.peak = this.bytes
  }

  /**
   * True when `length` more bytes for `own` fit the window, or when nothing but `own`'s frame is
   * in flight (so a window smaller than one frame cannot deadlock).
   */
  fits (length: number, own: InFlight, windowBytes: number): boolean {
    return this.bytes + length <= windowBytes || this.bytes <= (own.answered ? 0 : own.frameBytes)
  }

  /** The receiver's sink took the first `consumed` payload bytes of `seq`. */
  ack (seq: number, consumed: number): void {
    const entry = this.entries.get(seq)
    if (entry === undefined || entry.answered) return // answered meanwhile: nothing left to count
    if (consumed < entry.payloadAcked || consumed > entry.payloadSent) throw badFrame('bad payload acknowledgement', seq)
    const delta = consumed - entry.payloadAcked
    entry.payloadAcked = consumed
    entry.bytes -= delta
    this.bytes -= delta
  }

  /** Take the answer to `seq`: it must be the oldest envelope in flight. */
  answer (seq: number): InFlight {
    const entry = this.entries.get(seq)
    if (seq !== this.nextAnswer || entry === undefined) throw badFrame('answer out of sequence', seq)
    this.nextAnswer++
    this.entries.delete(seq)
    entry.answered = true
    this.bytes -= entry.bytes
    return entry
  }

  /** Reject every envelope in flight and forget them. */
  rejectAll (error: LienthongError): void {
    for (const entry of this.entries.values()) entry.reject(error)
    this.entries.clear()
    this.bytes = 0
  }
}
