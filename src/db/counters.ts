import type { Kysely, Transaction } from 'kysely'
import { precompiled } from './precompiled.js'
import type { Database } from './schema.js'

// Per-store counters: id sequences (ids start at 1 in every store and are never reused,
// COMPATIBILITY.md "Customer ids") and row counts (list totals without a count(*) scan).
// Both are updated inside the caller's transaction; on PostgreSQL the counter row lock
// serialises concurrent writers of one store, so ids never collide across processes.

// `metafields.lock` counts nothing: its row is the metafield writers' lock (lockStore, locks.ts).
export type CounterName =
  | 'customers.last_id'
  | 'customers.count'
  | 'metafields.lock'
  | 'addresses.last_id'
  | 'attributes.last_id'
  | 'attribute_values.last_id'
  | 'form_fields.last_id'

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
