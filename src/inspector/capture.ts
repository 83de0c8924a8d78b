import type { FastifyReply, FastifyRequest } from 'fastify'
import { REDACTED, type Entry, type Exchange } from './entry.js'

// An entry made from a request as it is answered (the plugin's onSend hook): what it takes is
// there already (the body's text from the JSON parser, the payload Fastify is about to send), so
// nothing is serialized again. Headers: a safe few only; the token's header shows that it was sent.

const REQUEST_HEADERS = ['accept', 'content-type', 'content-length', 'user-agent', 'x-auth-client', 'x-request-id'] as const
const SECRET_HEADERS = ['x-auth-token', 'authorization'] as const
const RESPONSE_HEADERS = [
  'content-type', 'x-rate-limit-requests-left', 'x-rate-limit-requests-quota', 'x-rate-limit-time-reset-ms', 'x-rate-limit-time-window-ms', 'x-retry-after',
] as const

function requestHeaders(req: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of REQUEST_HEADERS) {
    const value = req.headers[name]
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  for (const name of SECRET_HEADERS) if (req.headers[name] !== undefined) headers[name] = REDACTED
  return headers
}

function responseHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of RESPONSE_HEADERS) {
    const value = reply.getHeader(name)
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return headers
}

/** Cuts text at a number of UTF-8 bytes, on a character boundary, into a string of its own. */
export class BodyCutter {
  private readonly scratch: Buffer

  constructor(readonly limit: number) {
    this.scratch = Buffer.allocUnsafe(limit)
  }

  /**
   * The text, or its first `limit` bytes. A slice would keep the whole text alive (V8 shares a
   * sliced string's parent), and a ring of them would hold every page it ever saw: the cut goes
   * through a buffer, which makes a string of its own.
   */
  cut(text: string): string {
    // At most 3 bytes per UTF-16 unit; at least 1.
    if (text.length * 3 <= this.limit) return text
    if (text.length <= this.limit && Buffer.byteLength(text) <= this.limit) return text
    const written = this.scratch.write(text, 0, this.limit, 'utf8')
    return this.scratch.toString('utf8', 0, written)
  }
}

/** A payload as text: the API sends strings (serialized JSON); anything else is not shown. */
export function payloadText(payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload
  if (Buffer.isBuffer(payload)) return payload.toString('utf8')
  return undefined
}

export function exchange(headers: Record<string, string>, text: string | undefined, cutter: BodyCutter): Exchange {
  if (text === undefined || text === '') return { headers, body: null, body_truncated: false }
  if (cutter.limit === 0) return { headers, body: null, body_truncated: true }
  const body = cutter.cut(text)
  return { headers, body, body_truncated: body.length !== text.length }
}

/** The entry, before its store gives it an id; bodies as they were, cut to the limit (redaction is the caller's). */
export function entryOf(req: FastifyRequest, reply: FastifyReply, requestText: string | undefined, responseText: string | undefined, clientId: string | null, cutter: BodyCutter): Entry {
  const url = req.url
  const q = url.indexOf('?')
  const elapsed = reply.elapsedTime
  return {
    id: 0,
    time: new Date(Date.now() - elapsed).toISOString(),
    method: req.method,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    status: reply.statusCode,
    latency_ms: Math.round(elapsed * 100) / 100,
    client_id: clientId,
    request_id: String(req.id),
    request: exchange(requestHeaders(req), requestText, cutter),
    response: exchange(responseHeaders(reply), responseText, cutter),
  }
}
