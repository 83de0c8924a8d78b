import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  ApiError,
  bodyTooLarge,
  internalError,
  invalidData,
  invalidJson,
  methodNotAllowed,
  routeNotFound,
  RuleError,
  ruleBroken,
  unsupportedMediaType,
} from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the title of this route's 422 for a broken rule (a RuleError); invalidData's when unset */
    ruleTitle?: string
  }
}

// The one error path of the app: whatever fails, the client gets BigCommerce's envelope and
// never a stack trace; an unexpected fault is logged with its request id and answered 500.

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const

function toApiError(error: FastifyError, req: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof RuleError) return ruleBroken(error, req.routeOptions.config.ruleTitle)
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? unsupportedMediaType(req.headers['content-type']) : invalidJson()
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge(req.routeOptions.bodyLimit ?? 0)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJson()
  }
  if (error.validation) return invalidData({ [error.validationContext ?? 'request']: error.message })
  if (error instanceof SyntaxError && error.statusCode === 400) return invalidJson()
  return internalError()
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, req, reply) => {
    const apiError = toApiError(error, req)
    if (apiError.status >= 500) req.log.error({ err: error, reqId: req.id }, 'unexpected error')
    return sendError(reply, apiError)
  })

  app.setNotFoundHandler(async (req, reply) => {
    // A path that exists under another method is a 405, as BigCommerce's gateway answers.
    const path = req.url.split('?')[0] ?? '/'
    const other = METHODS.some((method) => method !== req.method && app.findRoute({ method, url: path }) !== null)
    return sendError(reply, other ? methodNotAllowed() : routeNotFound())
  })
}

/**
 * Fastify's `frameworkErrors` option: failures the router meets before any route or hook runs
 * (a path that is not valid percent-encoding, a path segment over the router's length limit).
 * Left alone, Fastify answers these in its own format; such a path names no route, so 404.
 */
export function frameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, routeNotFound())
  req.log.error({ err: error, reqId: req.id }, 'unexpected error')
  return sendError(reply, internalError())
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (Object.keys(error.headers).length > 0) reply.headers(error.headers)
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toBody())
}
