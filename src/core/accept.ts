import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
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

/** onRequest hook for the API routes (callback-style: no promise per request): 406 in the envelope when Accept excludes JSON. */
export function requireJsonAccepted(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const accept = req.headers.accept
  if (accept === undefined || PLAINLY_JSON.has(accept) || accept.trim() === '') return done()
  done(new Negotiator({ headers: { accept: withoutParameters(accept) } }).mediaType(OFFERED) === undefined ? notAcceptable(accept) : undefined)
}
