import { bulkItemFailed, type ApiError, type ErrorBody } from '../../core/errors.js'

// Metafield writes are batch-first: each item succeeds or fails on its own, and the single-object
// routes are batches of one. This is the result of such a write, and the two ways it is answered
// (BEHAVIOUR 9.4): a batch route's body, or the single route's object or error.

/** A failed item: what a batch route reports of it (`status`, `key`, `message`), and what a single-object route throws. */
export interface ItemFailure {
  status: number
  /** the item's index, or for a DELETE the metafield id */
  key: string
  message: string
  error: ApiError
}

export interface BatchOutcome<T> {
  /** the items that succeeded, in request order */
  data: T[]
  failures: ItemFailure[]
  /** items in the request */
  total: number
}

export function failure(key: string | number, error: ApiError, message = Object.values(error.errors)[0] ?? error.title): ItemFailure {
  return { status: error.status, key: String(key), message, error }
}

export interface BatchBody<T> {
  data: T[]
  errors: ErrorBody[]
  meta: { total: number; success: number; failed: number }
}

/** 200 when every item succeeded, else 422 with the successes in `data` and one error per failure. */
export function batchAnswer<T>(outcome: BatchOutcome<T>): { status: 200 | 422; body: BatchBody<T> } {
  return {
    status: outcome.failures.length === 0 ? 200 : 422,
    body: {
      data: outcome.data,
      errors: outcome.failures.map((f) => bulkItemFailed(f.status, f.key, f.message)),
      meta: { total: outcome.total, success: outcome.data.length, failed: outcome.failures.length },
    },
  }
}

/** The one item of a single-object write: its result, or its error thrown. */
export function onlyItem<T>(outcome: BatchOutcome<T>): T {
  const failed = outcome.failures[0]
  if (failed) throw failed.error
  const item = outcome.data[0]
  if (item === undefined) throw new Error('a write of one item returned nothing')
  return item
}
