/** One server-sent event (WHATWG HTML §9.2 "Server-sent events"). */
export interface SseEvent {
  /** `event:` field; `message` when absent. */
  event: string
  /** `data:` lines joined with `\n`. */
  data: string
  /** The last event id in force when this event was dispatched (empty when none). */
  id: string
  /** `retry:` in ms, when this block set one. */
  retry?: number
}

/**
 * Incremental parser of a `text/event-stream`: push decoded text in chunks of any size (a line
 * or a CRLF may be split anywhere), get the complete events. Follows the specification: lines end
 * in CRLF, LF or CR; `:` starts a comment; a block without data dispatches nothing; an `id`
 * containing NUL is ignored; the last event id persists across events.
 */
export class SseParser {
  #buffer = ''
  #pendingCr = false
  #data: string[] = []
  #event = ''
  #retry: number | undefined
  #lastId = ''

  /** The last event id seen (to resume with Last-Event-ID). */
  get lastEventId (): string {
    return this.#lastId
  }

  /** Feed text; returns the events completed by it. */
  push (text: string): SseEvent[] {
    const out: SseEvent[] = []
    let chunk = text
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.#pendingCr && chunk.startsWith('\n')) chunk = chunk.slice(1)
    this.#pendingCr = false
    this.#buffer += chunk
    let start = 0
    for (let i = 0; i < this.#buffer.length; i++) {
      const c = this.#buffer[i]
      if (c !== '\n' && c !== '\r') continue
      this.#line(this.#buffer.slice(start, i), out)
      if (c === '\r') {
        if (i + 1 === this.#buffer.length) this.#pendingCr = true
        else if (this.#buffer[i + 1] === '\n') i++
      }
      start = i + 1
    }
    this.#buffer = this.#buffer.slice(start)
    return out
  }

  #line (line: string, out: SseEvent[]): void {
    if (line === '') {
      this.#dispatch(out)
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'data': this.#data.push(value); break
      case 'event': this.#event = value; break
      case 'id': if (!value.includes('\0')) this.#lastId = value; break
      case 'retry': if (/^[0-9]+$/.test(value)) this.#retry = Number(value); break
      default: break
    }
  }

  #dispatch (out: SseEvent[]): void {
    if (this.#data.length > 0) {
      const event: SseEvent = { event: this.#event === '' ? 'message' : this.#event, data: this.#data.join('\n'), id: this.#lastId }
      if (this.#retry !== undefined) event.retry = this.#retry
      out.push(event)
    }
    this.#data = []
    this.#event = ''
    this.#retry = undefined
  }
}

/** Events of a byte stream (a fetch body), decoded as UTF-8. An unterminated last block is dropped, as the specification says. */
export async function * readSse (body: AsyncIterable<Uint8Array>, parser: SseParser = new SseParser()): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder()
  for await (const bytes of body) {
    for (const event of parser.push(decoder.decode(bytes, { stream: true }))) yield event
  }
  for (const event of parser.push(decoder.decode())) yield event
}
