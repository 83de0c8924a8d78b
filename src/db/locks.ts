import { createHash } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import { addToCounter, type CounterName } from './counters.js'
import { isPostgres } from './dialect.js'
import type { Database } from './schema.js'

// Locks held until the transaction ends. Each takes a Transaction, so a lock taken outside one
// (where it would lock nothing) does not compile. SQLite needs none of them: its writers take
// turns on the whole database; they matter on PostgreSQL, where several processes write at once.

/**
 * The parts of a store whose writers take turns, each locked by its id counter's row, so that an
 * id reservation of the same kind waits too: limit and uniqueness checks then read a state no one
 * else is changing, and an owner cannot be deleted between the check that it exists and the write.
 */
const AREA_ROWS = {
  addresses: 'addresses.last_id',
  attributes: 'attributes.last_id',
  attribute_values: 'attribute_values.last_id',
  metafields: 'metafields.lock',
} as const satisfies Record<string, CounterName>

export type StoreArea = keyof typeof AREA_ROWS

/**
 * The write version (cached-counts.ts) that a lock moves: these areas' writers all take their
 * lock, and a batch of theirs that refuses anything refuses all and rolls back, so a committed
 * lock belongs to an accepted write (one that changed nothing only costs a count). An id counter
 * cannot be the version (adding would spend ids); the version row is written under the lock
 * just taken, so it adds no waiting. Only the areas whose totals are kept have one. Metafield
 * batches may commit with every item refused (a 422 that wrote nothing): their version, the
 * lock row itself, moves once per batch that changed a row (metafields/writes.ts).
 */
const AREA_VERSIONS: Partial<Record<StoreArea, CounterName>> = {
  addresses: 'addresses.writes',
  // an attribute's deletion takes its values with it, under this lock
  attribute_values: 'attribute_values.writes',
}

/** Makes this transaction the only writer of one area of a store until it ends, and moves the area's write version where the lock is one. */
export async function lockStore(trx: Transaction<Database>, storeId: number, area: StoreArea): Promise<void> {
  await addToCounter(trx, storeId, AREA_ROWS[area], 0)
  const version = AREA_VERSIONS[area]
  if (version) await addToCounter(trx, storeId, version, 1)
}

/**
 * Holds a lock on each of `keys` within `group` (a store id) until the transaction ends, so that
 * writers of one key take turns even across processes: PostgreSQL transaction-scoped advisory
 * locks. Keys are hashed to 32 bits (a collision only makes two writers wait for each other) and
 * taken in ascending order, so two writers never each hold a lock the other waits for. `shared`
 * locks admit each other and wait only for an exclusive one (many customer writers naming a
 * channel, one channel deletion).
 */
export async function lockKeys(trx: Transaction<Database>, group: number, keys: readonly string[], mode: 'exclusive' | 'shared' = 'exclusive'): Promise<void> {
  if (!isPostgres(trx)) return
  const hashes = [...new Set(keys.map((key) => createHash('sha256').update(key).digest().readInt32BE(0)))].sort((a, b) => a - b)
  if (hashes.length === 0) return
  const lock = mode === 'shared' ? sql`pg_advisory_xact_lock_shared` : sql`pg_advisory_xact_lock`
  // One round trip for all keys; the ordered subquery takes the locks in ascending order, so two
  // writers locking overlapping sets never deadlock.
  await sql`select ${lock}(${group}::int4, h) from (select unnest(${hashes}::int4[]) as h order by 1) as keys`.execute(trx)
}
