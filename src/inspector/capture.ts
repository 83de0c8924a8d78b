import type { FastifyReply, FastifyRequest } from 'fastify'
import { REDACTED, type Recorded } from './entry.js'

// An entry made from a request as it is answered (the plugin's onSend hook): what it takes is
// there already (the body's text from the JSON parser, the payload Fastify is about to send), so
// nothing is serialized again, and nothing is copied: the store cuts the bodies to its limit as
// it keeps them. Headers: a safe few only; the token's header shows that it was sent.

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

/** A payload as text: the API sends strings (serialized JSON); anything else is not shown. */
export function payloadText(payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload
  if (Buffer.isBuffer(payload)) return payload.toString('utf8')
  return undefined
}

/** The request as recorded: bodies whole, as they were (redaction is the caller's; cutting, the store's). */
export function recordOf(req: FastifyRequest, reply: FastifyReply, requestText: string | undefined, responseText: string | undefined, clientId: string | null): Recorded {
  const url = req.url
  const q = url.indexOf('?')
  const elapsed = reply.elapsedTime
  return {
    time: new Date(Date.now() - elapsed).toISOString(),
    method: req.method,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    status: reply.statusCode,
    latency_ms: Math.round(elapsed * 100) / 100,
    client_id: clientId,
    request_id: String(req.id),
    request: { headers: requestHeaders(req), text: requestText },
    response: { headers: responseHeaders(reply), text: responseText },
  }
}
