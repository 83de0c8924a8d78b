import { MAX_INTEGER } from './schema.js'

// Ids are 32-bit integers from 1. A number outside that range names no row, and PostgreSQL
// refuses it in a comparison with an int4 column (a 500), so lookups drop such ids first.

/** True for a number some row could have as its id. */
export function isPossibleId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_INTEGER
}

/** The distinct ids of `ids` that some row could have; the rest match nothing. */
export function possibleIds(ids: readonly number[]): number[] {
  return [...new Set(ids)].filter(isPossibleId)
}
