import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { invalidJson } from './errors.js'

// What real BigCommerce clients send, accepted as BigCommerce accepts it, and one log line per
// request. (Trailing and doubled slashes are the router's options, in app.ts.)

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true
  const length = headers['content-length']
  return length !== undefined && length !== '0'
}

export function installHttpConventions(app: FastifyInstance): void {
  // Client libraries send Content-Type on every request, bodyless DELETEs included, sometimes as
  // the literal "undefined". A header that describes no body has nothing to say: drop it, so
  // only a real body is held to "application/json" (else 415).
  app.addHook('onRequest', async (req) => {
    if (req.headers['content-type'] !== undefined && !hasBody(req.headers)) delete req.headers['content-type']
  })

  // Fastify's JSON parser (prototype-poisoning safe) with BigCommerce's 400 for bad syntax, and
  // an empty body read as no body.
  // It is the only body parser: the API speaks JSON, anything else is a 415.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string
    if (text.trim() === '') return done(null, undefined)
    parseJson(req, text, (error, value) => (error ? done(invalidJson(), undefined) : done(null, value)))
  })
}

/** One info line per request, when it completes (Fastify's default is two). Headers are never logged. */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const line = { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }
    if (error) reply.log.error({ ...line, err: error }, 'request failed')
    else reply.log.info(line, 'request')
  }
}
