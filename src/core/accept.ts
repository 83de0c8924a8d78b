import type { FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'
import { notAcceptable } from './errors.js'

// BigCommerce answers JSON only and documents 406 for an Accept header that rules JSON out
// (BEHAVIOUR 14). A missing or empty Accept accepts anything, as HTTP says; `*/*` and
// `application/*` include JSON; a q=0 entry for JSON excludes it.

const OFFERED = ['application/json']

/** onRequest hook for the API routes: 406 in the envelope when Accept excludes JSON. */
export async function requireJsonAccepted(req: FastifyRequest): Promise<void> {
  const accept = req.headers.accept
  if (accept === undefined || accept.trim() === '') return
  if (new Negotiator(req).mediaType(OFFERED) === undefined) throw notAcceptable(accept)
}
