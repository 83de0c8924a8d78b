import { randomInt } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import { handleApart } from './connect.js'
import { isLockTimeout, isPostgres } from './dialect.js'
import { precompiled } from './precompiled.js'
import type { Database } from './schema.js'

// Per-store counters: id sequences (ids start at 1 in every store and are never reused,
// COMPATIBILITY.md "Customer ids"), row counts (list totals without a count(*) scan) and write
// versions. A counter is the sum of its rows (`slot`s). On PostgreSQL a row that a transaction
// updates stays locked until it commits, so a counter every writer of a store moves in one row
// would make them take turns: those (the customers' count and write version) are spread over
// slots, each transaction adding to one no one else holds (addToSpreadCounter). Ids are handed out
// from one row, which customer writers update in a statement of its own (reserveIdsApart); the
// other counters are one row each, updated in the caller's transaction.

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
  const rows = await trx
    .selectFrom('store_counters')
    .select((eb) => ['name', eb.fn.sum<number>('value').as('value')])
    .where('store_id', '=', storeId)
    .where('name', 'in', [...WRITE_VERSIONS])
    .groupBy('name')
    .execute()
  return new Map(rows.map((row) => [row.name, Number(row.value)]))
}

/** Reserves `n` consecutive ids in the caller's transaction and returns the first: a rollback gives them back. */
export async function reserveIds(trx: Transaction<Database>, storeId: number, name: CounterName, n: number): Promise<number> {
  return firstOf(await addToCounter(trx, storeId, name, n), n)
}

/**
 * Reserves `n` consecutive ids and returns the first; on PostgreSQL in a statement of its own,
 * committed at once, so the id row is locked for that statement only and not until the caller
 * commits: writers of one store do not wait for each other's ids. Ids of a write that then rolls
 * back are not given back (a gap; never reused). Only for a counter no transaction holds as a lock
 * (lockStore's rows), which the statement would wait for. On SQLite in the caller's transaction:
 * one writer at a time anyway, and another connection would wait for this one's open write. When
 * the row stays locked (a reset or an import of the store in progress), in the caller's transaction too.
 */
export async function reserveIdsApart(trx: Transaction<Database>, storeId: number, name: CounterName, n: number): Promise<number> {
  const apart = isPostgres(trx) ? handleApart(trx) : undefined
  if (apart) {
    try {
      return firstOf(await upsert(apart, storeId, name, n), n)
    } catch (error) {
      if (!isLockTimeout(error)) throw error
    }
  }
  return reserveIds(trx, storeId, name, n)
}

const firstOf = (last: number, n: number) => last - n + 1

/** Adds to the counter's one row (slot 0), which stays locked until the transaction ends (a lock: lockStore); returns its value. */
export function addToCounter(trx: Transaction<Database>, storeId: number, name: CounterName, delta: number): Promise<number> {
  return upsert(trx, storeId, name, delta)
}

async function upsert(db: Kysely<Database>, storeId: number, name: CounterName, delta: number): Promise<number> {
  const row = await db
    .insertInto('store_counters')
    .values({ store_id: storeId, name, value: delta })
    .onConflict((oc) => oc.columns(['store_id', 'name', 'slot']).doUpdateSet((eb) => ({ value: eb('store_counters.value', '+', delta) })))
    .returning('value')
    .executeTakeFirstOrThrow()
  return Number(row.value)
}

/**
 * Slots a spread counter may have: the most writers of one store in flight at once that never
 * wait for each other's. More only cost a longer sum on read.
 */
const SLOTS = 16

/**
 * Adds to a spread counter, on PostgreSQL in a slot no other transaction holds: the first whose
 * advisory lock (store, counter + slot) this transaction can take without waiting, held to commit
 * (its own ones included), so two writers never wait for one row, even a row the other made and
 * has not committed (which `skip locked` would not see). When every slot is held, a random one,
 * waiting for it. The sum of the slots then moves with each commit as one row did: a write
 * version (+1 per write) still never comes back to a value it had. SQLite has one writer at a
 * time and keeps one slot.
 */
export async function addToSpreadCounter(trx: Transaction<Database>, storeId: number, name: SpreadCounter, delta: number): Promise<void> {
  if (!isPostgres(trx)) {
    await upsert(trx, storeId, name, delta)
    return
  }
  const base = SLOTS * SPREAD_COUNTERS.indexOf(name)
  await sql`insert into store_counters (store_id, name, slot, value)
    values (${storeId}, ${name}, coalesce(
      (select s from generate_series(0, ${SLOTS - 1}) as s where pg_try_advisory_xact_lock(${SLOT_LOCKS}::int4, ((${storeId}::int8 * ${SLOTS * SPREAD_COUNTERS.length} + ${base} + s) % 2147483648)::int4) limit 1),
      ${randomInt(SLOTS)}::int4), ${delta})
    on conflict (store_id, name, slot) do update set value = store_counters.value + excluded.value`.execute(trx)
}

// The counters spread over slots, each numbering its slots' advisory locks apart (in a key space of their own, SLOT_LOCKS;
// reduced to 31 bits, so a store id of any size gives a key: at worst two stores' slots share a lock and wait for each other).
const SPREAD_COUNTERS = ['customers.count', 'customers.writes'] as const satisfies readonly CounterName[]
type SpreadCounter = (typeof SPREAD_COUNTERS)[number]
const SLOT_LOCKS = -0x5107

// A list total reads a counter on every request: the sum of its slots.
const counterValue = precompiled((db, storeId: number, name: CounterName) =>
  db.selectFrom('store_counters').select((eb) => eb.fn.sum<number>('value').as('value')).where('store_id', '=', storeId).where('name', '=', name),
)

export async function readCounter(db: Kysely<Database>, storeId: number, name: CounterName): Promise<number> {
  const [row] = await counterValue(db, storeId, name)
  return Number(row?.value ?? 0)
}
