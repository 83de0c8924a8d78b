import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { invalidData, invalidJson, jsonTooDeep, missingHost } from './errors.js'
import { DEFAULT_MAX_JSON_DEPTH, jsonDeeperThan } from './json-depth.js'

// What real BigCommerce clients send, accepted as BigCommerce accepts it, and one log line per
// request. (Trailing and doubled slashes are the router's options, in app.ts.)

// The body's text as it arrived, kept for the request inspector (src/inspector): the parser has
// it anyway, and keeping a reference costs nothing, where serializing the parsed body again would.
const RAW_BODY = Symbol('clientele.rawBody')
type RawBodyRequest = FastifyRequest & { [RAW_BODY]?: string }

/** The JSON text of the request's body as received; undefined when none was read (no body, refused first, not JSON). */
export function rawBodyOf(req: FastifyRequest): string | undefined {
  return (req as RawBodyRequest)[RAW_BODY]
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true
  const length = headers['content-length']
  return length !== undefined && length !== '0'
}

export function installHttpConventions(app: FastifyInstance, { maxJsonDepth = DEFAULT_MAX_JSON_DEPTH } = {}): void {
  // Client libraries send Content-Type on every request, bodyless DELETEs included, sometimes as
  // the literal "undefined". A header that describes no body has nothing to say: drop it, so
  // only a real body is held to "application/json" (else 415).
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.headers['content-type'] !== undefined && !hasBody(req.headers)) delete req.headers['content-type']
    // RFC 9112 3.2: an HTTP/1.1 request without Host is a 400.
    done(req.headers.host === undefined && req.raw.httpVersion === '1.1' ? missingHost() : undefined)
  })

  // Fastify's JSON parser (prototype-poisoning safe) with BigCommerce's 400 for bad syntax, and
  // an empty body read as no body.
  // It is the only body parser: the API speaks JSON, anything else is a 415.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  // Declared up front, so every request object has the same shape.
  app.decorateRequest(RAW_BODY, undefined)
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string
    ;(req as RawBodyRequest)[RAW_BODY] = text
    if (text.trim() === '') return done(null, undefined)
    if (jsonDeeperThan(text, maxJsonDepth)) return done(jsonTooDeep(maxJsonDepth), undefined)
    parseJson(req, text, (error, value) => (error ? done(invalidJson(), undefined) : done(null, value)))
  })
}

/**
 * The first text in a request part that no database can store as sent: a NUL character (which
 * PostgreSQL refuses) or a lone UTF-16 surrogate (which would come back as U+FFFD). Returns its
 * path, `0.first_name` style.
 */
export function unstorableText(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') || !value.isWellFormed() ? path.join('.') || 'body' : undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, item] of Object.entries(value)) {
    const found = unstorableText(item, [...path, key])
    if (found !== undefined) return found
  }
  return undefined
}

export function installTextGuard(app: FastifyInstance): void {
  // Before validation, on every part a route reads: bad text is a 422 on both databases alike,
  // never a driver error (a 500) on one of them.
  app.addHook('preValidation', async (req) => {
    for (const part of [req.params, req.query, req.body]) {
      const path = unstorableText(part)
      if (path !== undefined) throw invalidData({ [path]: 'must be valid Unicode text without NUL characters' })
    }
  })
}

/** pino's loggers tell whether a level is on; Fastify's silent logger (logger: false) does not say. */
type LevelAware = { isLevelEnabled?: (level: string) => boolean }

/** One info line per request, when it completes (Fastify's default is two). Headers are never logged. */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    // Below the level in force (LOG_LEVEL=warn), a successful request costs no log work at all.
    if (!error && (reply.log as LevelAware).isLevelEnabled?.('info') === false) return
    const line = { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }
    if (error) reply.log.error({ ...line, err: error }, 'request failed')
    else reply.log.info(line, 'request')
  }
}
