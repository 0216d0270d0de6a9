/**
 * One signal for an operation: an optional timeout combined with the caller's optional signal.
 * Undefined when there is neither, so that libp2p applies its own default timeouts.
 */
export function deadlineSignal (timeoutMs: number | undefined, callerSignal?: AbortSignal): AbortSignal | undefined {
  const sources: AbortSignal[] = []
  if (timeoutMs != null) sources.push(AbortSignal.timeout(timeoutMs))
  if (callerSignal != null) sources.push(callerSignal)
  return sources.length > 1 ? AbortSignal.any(sources) : sources[0]
}

/** Validate a timeout option: a positive finite number of milliseconds. */
export function checkTimeout (name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds`)
  }
  return value
}

/** Validate a byte limit option: a positive safe integer. */
export function checkByteLimit (name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer`)
  }
  return value
}
