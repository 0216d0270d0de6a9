/** Defaults and bounds of the relay. Network-wide limits come from the registry, not from here. */

const KiB = 1024
const MiB = 1024 * KiB

/** Sealed payloads up to this size travel inline in the envelope; larger ones stream detached. */
export const DEFAULT_INLINE_PAYLOAD_MAX_BYTES = 64 * KiB

/** Clock skew tolerated on received envelopes. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000

/** Most recipient organisations one submission may name (the envelope's own limit). */
export const MAX_SUBMIT_RECIPIENTS = 500

/** Inbox views carry the plaintext inline (base64) only up to this size. */
export const INLINE_VIEW_MAX_BYTES = 1 * MiB

/** National status codes a recipient may send back (vn-directory-facts.json `statusCodes`). */
export const STATUS_CODES: readonly string[] = Object.freeze(['01', '02', '03', '04', '05', '06', '13', '15', '16'])

/** Longest note of a status, in characters. */
export const MAX_STATUS_NOTE_LENGTH = 2000

/** Content type of a status envelope's (sealed) payload: `{code, note?}`. */
export const STATUS_CONTENT_TYPE = 'application/json'

/**
 * Un-answered bytes allowed in flight on one delivery channel: what a large document can tie up
 * in buffers on both ends at once. With 4 MiB, the receiving node's peak RSS during a 1 GiB
 * transfer varied from 114 to 147 MB between runs (chunks lived long enough to reach V8's old
 * space, freed only by a major GC); with 2 MiB it stayed at 99–104 MB, at the same transfer rate
 * on this host. 2 MiB still holds about 1500 small envelopes, far more than one receiver batch,
 * and covers the bandwidth-delay product of a 100 Mbit/s link up to about 160 ms round trip.
 */
export const DEFAULT_WINDOW_BYTES = 2 * MiB

/** A delivery worker lane reads at most this many due deliveries per query. */
export const DUE_BATCH = 256
/** Deliveries a lane keeps in flight to one peer at most (envelopes queued in its channel). */
export const MAX_IN_FLIGHT = 1024
/** Envelope bytes a lane keeps in flight to one peer at most (detached payloads not counted). */
export const MAX_IN_FLIGHT_BYTES = 16 * MiB

/** Retry delays are multiplied by a random factor in [1 - JITTER, 1 + JITTER]. */
export const RETRY_JITTER = 0.2

/** Deadline of opening a delivery stream, dial included. */
export const DIAL_TIMEOUT_MS = 10_000
/** How long `stop()` waits for each channel to close and for deliveries in flight to settle. */
export const STOP_TIMEOUT_MS = 5_000
/** Longest single timer; later due times are reached by re-arming. */
export const MAX_TIMER_MS = 60 * 60_000

/**
 * Received blobs finishing (fsync, rename, owner row) in the background at once, while the
 * stream goes on: their disk syncs overlap instead of adding up, one document after another.
 */
export const BLOB_FINISH_CONCURRENCY = 8

/**
 * Batches of one delivery stream being checked and persisted at once: the next batch's checks
 * (signature verification) run while the previous one's inbox group commit (an fsync) completes.
 * Answers still go out in order, each only after its own batch is durable.
 */
export const RECEIVER_PENDING_BATCHES = 2

/** Largest envelope the wire receiver takes before the registry's own limit is applied per envelope. */
export const WIRE_MAX_ENVELOPE_BYTES = 4 * 1024 * MiB + 64 * KiB
