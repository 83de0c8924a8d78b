import type { FastifyError } from 'fastify'
import { ApiError } from '../core/errors.js'
import { ErrorResponse } from '../core/schemas.js'
import { StoreAdminError } from '../stores/lookup.js'

// Admin services report plain StoreAdminError values (the CLI prints them); over HTTP they are
// the envelope with the status their kind means.

export const ADMIN_ERRORS = { 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse }

function toApiError(error: FastifyError): Error {
  if (!(error instanceof StoreAdminError)) return error
  const status = error.kind === 'not_found' ? 404 : error.kind === 'conflict' ? 409 : 422
  return new ApiError(status, error.message)
}

/**
 * The admin scope's error handler. What it throws goes on to the app's handler (Fastify passes
 * an Error thrown in a child's handler to the parent's), so every answer is the one envelope.
 */
export function adminErrorHandler(error: FastifyError): never {
  throw toApiError(error)
}
