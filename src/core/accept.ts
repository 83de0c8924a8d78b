import type { FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'
import { notAcceptable } from './errors.js'

// BigCommerce answers JSON only and documents 406 for an Accept header that rules JSON out
// (BEHAVIOUR 14). A missing or empty Accept accepts anything, as HTTP says; `*/*` and
// `application/*` include JSON; a q=0 entry for JSON excludes it. Parameters other than q
// (`application/json; charset=utf-8`, which some clients send) do not narrow a range: the answer
// is UTF-8 JSON whatever they say, and a client asking for JSON should get it.

const OFFERED = ['application/json']

/** Each media range of the header with its q-value only. */
function withoutParameters(accept: string): string {
  return accept
    .split(',')
    .map((range) => {
      const [type = '', ...parameters] = range.split(';').map((part) => part.trim())
      const q = parameters.find((parameter) => /^q\s*=/i.test(parameter))
      return q ? `${type};${q}` : type
    })
    .join(',')
}

/** What nearly every client sends: accepted without parsing. */
const PLAINLY_JSON = new Set(['application/json', '*/*', 'application/json, text/plain, */*'])

/** onRequest hook for the API routes: 406 in the envelope when Accept excludes JSON. */
export async function requireJsonAccepted(req: FastifyRequest): Promise<void> {
  const accept = req.headers.accept
  if (accept === undefined || PLAINLY_JSON.has(accept) || accept.trim() === '') return
  if (new Negotiator({ headers: { accept: withoutParameters(accept) } }).mediaType(OFFERED) === undefined) throw notAcceptable(accept)
}
