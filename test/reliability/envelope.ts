import { ERROR_TYPE } from '../helpers/app.js'

// BigCommerce's error envelope as the fuzz suites hold every error response to it.

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** BigCommerce's error envelope, with this status (or any, for the items of a batch). */
export function isEnvelope(body: unknown, status: number | undefined): boolean {
  if (!isObject(body)) return false
  const keysOk = Object.keys(body).every((key) => ['status', 'title', 'type', 'errors', 'detail'].includes(key))
  const errorsOk = body.errors === undefined || (isObject(body.errors) && Object.values(body.errors).every((v) => typeof v === 'string'))
  const statusOk = status === undefined ? typeof body.status === 'number' : body.status === status
  return keysOk && errorsOk && statusOk && typeof body.title === 'string' && body.title !== '' && body.type === ERROR_TYPE && (body.errors !== undefined || typeof body.detail === 'string')
}

