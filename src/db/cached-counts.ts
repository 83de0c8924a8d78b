import type { Kysely, SelectQueryBuilder } from 'kysely'
import { readCounter, type CounterName } from './counters.js'
import type { Database } from './schema.js'

// List totals without a count of every match on every request. A filtered total is kept, in
// this process, beside the write version of what it counts: a store counter that every write of
// that area increases in its own transaction (customers.writes, metafields.lock; a sum of slots
// where it is spread, db/counters.ts, which still moves with every commit). While the
// version reads the same, the total is the same and is used again; any committed write, on any
// node, moves the version, so no total older than the last write a request can see is served.
// The version is read before the count: a count that already includes a newer write is only
// kept under the older version, which no later request reads any more.

const MAX_ENTRIES = 10_000

interface Kept {
  /** the versions as they read when it was counted */
  version: string
  value: unknown
}

// Per database handle: tests open many databases in one process, each with its own store ids.
const caches = new WeakMap<Kysely<Database>, Map<string, Kept>>()

/** Drops the totals kept for a store (deleted: its id may be given to the next store made). */
export function forgetStoreCounts(db: Kysely<Database>, storeId: number): void {
  const cache = caches.get(db)
  if (!cache) return
  for (const id of cache.keys()) if (id.startsWith(`${storeId} `)) cache.delete(id)
}

/** The rows a select matches. */
async function countOf(matching: SelectQueryBuilder<any, any, any>): Promise<number> {
  const row = await matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * The number of rows `matching` selects, for `key` (what the list filters on, as text): counted
 * (and the select built) again only after a write moved one of `versions`: a list of rows that a customer's deletion takes with it
 * (addresses, attribute values) depends on `customers.writes` too.
 */
export function countSinceLastWrite(
  db: Kysely<Database>,
  storeId: number,
  versions: CounterName | readonly CounterName[],
  key: string,
  matching: () => SelectQueryBuilder<any, any, any>,
): Promise<number> {
  return keptSinceLastWrite(db, storeId, versions, key, () => countOf(matching()))
}

/** What `compute` finds of a list, kept as countSinceLastWrite keeps a total; `key` names the list and what is found of it. */
export async function keptSinceLastWrite<T>(
  db: Kysely<Database>,
  storeId: number,
  versions: CounterName | readonly CounterName[],
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  const names = typeof versions === 'string' ? [versions] : versions
  const current = (await Promise.all(names.map((name) => readCounter(db, storeId, name)))).join(',')
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  const id = `${storeId} ${names.join(',')} ${key}`
  const kept = cache.get(id)
  // Deleted and set again either way: the Map's order is then least recently used first.
  cache.delete(id)
  const fresh = kept?.version === current ? kept : { version: current, value: await compute() }
  cache.set(id, fresh)
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!)
  return fresh.value as T
}
