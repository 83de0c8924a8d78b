import { Type, type Static } from 'typebox'

// What the request inspector keeps of one API request (docs/COMPATIBILITY.md "Request inspector"):
// the admin API serves it as it is stored, in memory or as JSON text in Redis.

/** What a secret is replaced with, wherever it was. */
export const REDACTED = '[redacted]'

const Exchange = Type.Object({
  headers: Type.Record(Type.String(), Type.String(), {
    description: 'A safe few only (request: accept, content-type, content-length, user-agent, x-auth-client, x-request-id; x-auth-token and authorization show as [redacted]; response: content-type and the rate-limit headers)',
  }),
  body: Type.Union([Type.String(), Type.Null()], { description: 'The JSON text, secrets redacted, cut at INSPECTOR_BODY_LIMIT bytes; null when there was none' }),
  body_truncated: Type.Boolean({ description: 'the body was longer than INSPECTOR_BODY_LIMIT bytes, and is cut there' }),
})

export const InspectorEntry = Type.Object({
  id: Type.Integer({ description: "Increasing per store (shared by every node with Redis); an SSE event's id" }),
  time: Type.String({ description: 'When the request arrived, ISO 8601' }),
  method: Type.String(),
  path: Type.String({ description: 'As sent, without the query string' }),
  query: Type.String({ description: 'The query string as sent, without "?"; empty when none' }),
  status: Type.Integer(),
  latency_ms: Type.Number({ description: 'From arrival to the response being ready to send' }),
  client_id: Type.Union([Type.String(), Type.Null()], { description: "The API account's client id; null when the token was refused" }),
  request_id: Type.String(),
  request: Exchange,
  response: Exchange,
})

export type Entry = Static<typeof InspectorEntry>
export type Exchange = Static<typeof Exchange>

/** One side of a request as recorded, before a store keeps it: the whole text (redacted), which the store cuts to its limit. */
export interface RecordedExchange {
  headers: Record<string, string>
  /** undefined when there was no body (or none that is text) */
  text: string | undefined
}

/** An entry as recorded, before a store numbers it and cuts its bodies. */
export interface Recorded extends Omit<Entry, 'id' | 'request' | 'response'> {
  request: RecordedExchange
  response: RecordedExchange
}
