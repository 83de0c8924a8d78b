import type { Kysely } from 'kysely'
import { formatTimestamp, systemClock, type Clock } from '../core/dates.js'
import type { Database } from '../db/schema.js'
import { StoreAdminError } from './service.js'

// A store's request quota: `quota` requests per window of `windowMs`, shared by every API account
// of the store, as BigCommerce's is (BEHAVIOUR 10). Stores have none until one is set (the dev
// store included); the CLI's `limits` commands and the admin API set and clear it.

export interface RateLimit {
  quota: number
  windowMs: number
}

export interface StoreRateLimit {
  store_hash: string
  /** false: the store is not limited, and quota and window_ms are null */
  enabled: boolean
  quota: number | null
  window_ms: number | null
}

/** Bounds of what can be set: a window from 100 ms (tests) to a day, a quota that fits 32 bits. */
export const RATE_LIMIT_BOUNDS = { minWindowMs: 100, maxWindowMs: 86_400_000, maxQuota: 2_147_483_647 } as const

async function storeId(db: Kysely<Database>, hash: string): Promise<number> {
  const row = await db.selectFrom('stores').select('id').where('hash', '=', hash).executeTakeFirst()
  if (!row) throw new StoreAdminError('not_found', `no store "${hash}"`)
  return row.id
}

function view(hash: string, limit: RateLimit | undefined): StoreRateLimit {
  return limit
    ? { store_hash: hash, enabled: true, quota: limit.quota, window_ms: limit.windowMs }
    : { store_hash: hash, enabled: false, quota: null, window_ms: null }
}

export function rateLimitProblem(limit: RateLimit): string | undefined {
  const { minWindowMs, maxWindowMs, maxQuota } = RATE_LIMIT_BOUNDS
  if (!Number.isInteger(limit.quota) || limit.quota < 1 || limit.quota > maxQuota) return `quota must be an integer from 1 to ${maxQuota}`
  if (!Number.isInteger(limit.windowMs) || limit.windowMs < minWindowMs || limit.windowMs > maxWindowMs) {
    return `window must be an integer number of milliseconds from ${minWindowMs} to ${maxWindowMs}`
  }
  return undefined
}

export async function getRateLimit(db: Kysely<Database>, hash: string): Promise<StoreRateLimit> {
  const id = await storeId(db, hash)
  const row = await db.selectFrom('rate_limits').select(['quota', 'window_ms']).where('store_id', '=', id).executeTakeFirst()
  return view(hash, row ? { quota: row.quota, windowMs: row.window_ms } : undefined)
}

/** Every limited store, by hash. */
export async function listRateLimits(db: Kysely<Database>): Promise<StoreRateLimit[]> {
  const rows = await db
    .selectFrom('rate_limits')
    .innerJoin('stores', 'stores.id', 'rate_limits.store_id')
    .select(['stores.hash', 'rate_limits.quota', 'rate_limits.window_ms'])
    .orderBy('stores.id')
    .execute()
  return rows.map((row) => view(row.hash, { quota: row.quota, windowMs: row.window_ms }))
}

/** Sets (or changes) a store's quota; it applies from the store's next request, on every node. */
export async function setRateLimit(db: Kysely<Database>, hash: string, limit: RateLimit, clock: Clock = systemClock): Promise<StoreRateLimit> {
  const problem = rateLimitProblem(limit)
  if (problem) throw new StoreAdminError('invalid', problem)
  const id = await storeId(db, hash)
  const values = { quota: limit.quota, window_ms: limit.windowMs, date_modified: formatTimestamp(clock()) }
  await db
    .insertInto('rate_limits')
    .values({ store_id: id, ...values })
    .onConflict((oc) => oc.column('store_id').doUpdateSet(values))
    .execute()
  return view(hash, limit)
}

/** Lifts a store's quota: its responses no longer carry the rate-limit headers. */
export async function clearRateLimit(db: Kysely<Database>, hash: string): Promise<StoreRateLimit> {
  const id = await storeId(db, hash)
  await db.deleteFrom('rate_limits').where('store_id', '=', id).execute()
  return view(hash, undefined)
}
