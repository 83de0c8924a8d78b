import { randomInt } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { precompiled } from './precompiled.js'
import type { Database } from './schema.js'

// Per-store counters: id sequences (ids start at 1 in every store and are never reused,
// COMPATIBILITY.md "Customer ids") and row counts (list totals without a count(*) scan).
// Both are updated inside the caller's transaction; on PostgreSQL the counter row lock
// serialises concurrent writers of one store, so ids never collide across processes.

// `metafields.lock` is the metafield writers' lock (lockStore, locks.ts); it counts the metafield
// writes that changed a row. `customers.writes` counts the customer writes, and the other
// `<area>.writes` the transactions that took that area's lock: the write versions that keep list
// totals (cached-counts.ts).
export type CounterName =
  | 'customers.last_id'
  | 'customers.count'
  | 'customers.writes'
  | 'addresses.writes'
  | 'attribute_values.writes'
  | 'metafields.lock'
  | 'addresses.last_id'
  | 'attributes.last_id'
  | 'attribute_values.last_id'
  | 'form_fields.last_id'

/**
 * The write versions (db/cached-counts.ts). A version should never come back to a value it had
 * for the same store id: a total kept under it would be served again. A reset moves them forward
 * (startWriteVersions with the values before); a new store starts them at a random point of
 * 2^30, so a store made again under the id of a deleted one (SQLite reuses the highest id) does
 * not walk through its predecessor's versions, but by a chance of about its writes in 2^30
 * (the process that deleted it also forgets its totals).
 */
export const WRITE_VERSIONS = [
  'customers.writes', 'metafields.lock', 'addresses.writes', 'attribute_values.writes',
] as const satisfies readonly CounterName[]

/** Starts the store's write versions: past their values before (a reset), else at a random point (a new store). */
export async function startWriteVersions(trx: Transaction<Database>, storeId: number, before?: ReadonlyMap<string, number>): Promise<void> {
  const start = (name: string) => (before ? (before.get(name) ?? 0) + 1 : randomInt(1, 2 ** 30))
  await trx.insertInto('store_counters').values(WRITE_VERSIONS.map((name) => ({ store_id: storeId, name, value: start(name) }))).execute()
}

/** The store's write versions as they stand. */
export async function readWriteVersions(trx: Transaction<Database>, storeId: number): Promise<Map<string, number>> {
  const rows = await trx.selectFrom('store_counters').select(['name', 'value']).where('store_id', '=', storeId).where('name', 'in', [...WRITE_VERSIONS]).execute()
  return new Map(rows.map((row) => [row.name, Number(row.value)]))
}

/** Reserves `n` consecutive ids and returns the first. */
export async function reserveIds(trx: Transaction<Database>, storeId: number, name: CounterName, n: number): Promise<number> {
  const last = await addToCounter(trx, storeId, name, n)
  return last - n + 1
}

export async function addToCounter(trx: Transaction<Database>, storeId: number, name: CounterName, delta: number): Promise<number> {
  const row = await trx
    .insertInto('store_counters')
    .values({ store_id: storeId, name, value: delta })
    .onConflict((oc) => oc.columns(['store_id', 'name']).doUpdateSet((eb) => ({ value: eb('store_counters.value', '+', delta) })))
    .returning('value')
    .executeTakeFirstOrThrow()
  return Number(row.value)
}

// A list total reads a counter on every request.
const counterValue = precompiled((db, storeId: number, name: CounterName) =>
  db.selectFrom('store_counters').select('value').where('store_id', '=', storeId).where('name', '=', name),
)

export async function readCounter(db: Kysely<Database>, storeId: number, name: CounterName): Promise<number> {
  const [row] = await counterValue(db, storeId, name)
  return row ? Number(row.value) : 0
}
