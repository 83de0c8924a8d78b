import { ApiError } from '../core/errors.js'
import { ErrorResponse } from '../core/schemas.js'
import { StoreAdminError } from '../stores/service.js'

// Admin services report plain StoreAdminError values (the CLI prints them); over HTTP they are
// the envelope with the status their kind means.

export const ADMIN_ERRORS = { 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse }

function toApiError(error: unknown): unknown {
  if (!(error instanceof StoreAdminError)) return error
  const status = error.kind === 'not_found' ? 404 : error.kind === 'conflict' ? 409 : 422
  return new ApiError(status, error.message)
}

/** Runs an admin service call, turning its StoreAdminError into the matching API error. */
export async function admin<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toApiError(error)
  }
}
