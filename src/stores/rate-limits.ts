import type { Kysely } from 'kysely'
import { formatTimestamp, systemClock, type Clock } from '../core/dates.js'
import { rateLimitOf, rateLimitProblem, type PlanName, type RateLimit } from '../core/rate-limit-plans.js'
import type { Database } from '../db/schema.js'
import { StoreAdminError, storeIdOf } from './lookup.js'

// A store's own request quota, shared by every API account of the store, as BigCommerce's is
// (BEHAVIOUR 10). A store without one has the deployment's default (DEFAULT_RATE_LIMIT); the
// CLI's `limits` commands and the admin API set and clear a store's own.

export interface StoreRateLimit {
  store_hash: string
  /** store: the store's own quota; default: the deployment's DEFAULT_RATE_LIMIT */
  source: 'store' | 'default'
  /** the named plan, or null for a custom quota */
  plan: PlanName | null
  quota: number
  window_ms: number
  /** never runs out: announced in the headers, never counted */
  unlimited: boolean
}

function view(hash: string, source: StoreRateLimit['source'], limit: RateLimit): StoreRateLimit {
  return { store_hash: hash, source, plan: limit.plan ?? null, quota: limit.quota, window_ms: limit.windowMs, unlimited: limit.unlimited === true }
}

/** The quota a store's requests are counted against: its own, or `fallback` (the default). */
export async function getRateLimit(db: Kysely<Database>, hash: string, fallback: RateLimit): Promise<StoreRateLimit> {
  const id = await storeIdOf(db, hash)
  const row = await db.selectFrom('rate_limits').select(['quota', 'window_ms', 'plan']).where('store_id', '=', id).executeTakeFirst()
  return row ? view(hash, 'store', rateLimitOf(row)) : view(hash, 'default', fallback)
}

/** Every store with a quota of its own, by hash. */
export async function listRateLimits(db: Kysely<Database>): Promise<StoreRateLimit[]> {
  const rows = await db
    .selectFrom('rate_limits')
    .innerJoin('stores', 'stores.id', 'rate_limits.store_id')
    .select(['stores.hash', 'rate_limits.quota', 'rate_limits.window_ms', 'rate_limits.plan'])
    .orderBy('stores.id')
    .execute()
  return rows.map((row) => view(row.hash, 'store', rateLimitOf(row)))
}

/** Gives a store a quota of its own (a plan or custom figures); it applies from the store's next request, on every node. */
export async function setRateLimit(db: Kysely<Database>, hash: string, limit: RateLimit, clock: Clock = systemClock): Promise<StoreRateLimit> {
  const problem = rateLimitProblem(limit)
  if (problem) throw new StoreAdminError('invalid', problem)
  const id = await storeIdOf(db, hash)
  const values = { quota: limit.quota, window_ms: limit.windowMs, plan: limit.plan ?? null, date_modified: formatTimestamp(clock()) }
  await db
    .insertInto('rate_limits')
    .values({ store_id: id, ...values })
    .onConflict((oc) => oc.column('store_id').doUpdateSet(values))
    .execute()
  return view(hash, 'store', limit)
}

/** Drops a store's own quota: it has the default again. */
export async function clearRateLimit(db: Kysely<Database>, hash: string, fallback: RateLimit): Promise<StoreRateLimit> {
  const id = await storeIdOf(db, hash)
  await db.deleteFrom('rate_limits').where('store_id', '=', id).execute()
  return view(hash, 'default', fallback)
}
