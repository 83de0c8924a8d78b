import type { Kysely } from 'kysely'
import { readCounter, type CounterName } from './counters.js'
import type { Database } from './schema.js'

// List totals without a count of every match on every request. A filtered total is kept, in
// this process, beside the write version of what it counts: a store counter that every write of
// that area increases in its own transaction (customers.writes, metafields.lock). While the
// version reads the same, the total is the same and is used again; any committed write, on any
// node, moves the version, so no total older than the last write a request can see is served.
// The version is read before the count: a count that already includes a newer write is only
// kept under the older version, which no later request reads any more.

const MAX_ENTRIES = 10_000

interface Kept {
  version: number
  total: number
}

// Per database handle: tests open many databases in one process, each with its own store ids.
const caches = new WeakMap<Kysely<Database>, Map<string, Kept>>()

/** Drops the totals kept for a store (deleted: its id may be given to the next store made). */
export function forgetStoreCounts(db: Kysely<Database>, storeId: number): void {
  const cache = caches.get(db)
  if (!cache) return
  for (const id of cache.keys()) if (id.startsWith(`${storeId} `)) cache.delete(id)
}

/** The total `count` gives for `key` (what the list filters on, as text), counted again only after a write moved `version`. */
export async function countSinceLastWrite(
  db: Kysely<Database>,
  storeId: number,
  version: CounterName,
  key: string,
  count: () => Promise<number>,
): Promise<number> {
  const current = await readCounter(db, storeId, version)
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  const id = `${storeId} ${version} ${key}`
  const kept = cache.get(id)
  // Deleted and set again either way: the Map's order is then least recently used first.
  cache.delete(id)
  const fresh = kept?.version === current ? kept : { version: current, total: await count() }
  cache.set(id, fresh)
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!)
  return fresh.total
}
