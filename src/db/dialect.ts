import { createHash } from 'node:crypto'
import { PostgresAdapter, sql, type Kysely } from 'kysely'

// The few places where SQLite and PostgreSQL differ, one helper each. Services never ask which
// database they run on; they call these.

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/** A unique or primary-key constraint refused the write (SQLite and PostgreSQL spell it differently). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const code = (error as { code?: unknown }).code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/** Escapes LIKE wildcards so user text matches literally; pair with `escape '\'`. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * Holds a lock on each of `keys` within `group` (a store id) until the transaction ends, so that
 * writers of one key take turns even across processes: PostgreSQL transaction-scoped advisory
 * locks. Keys are hashed to 32 bits (a collision only makes two writers wait for each other) and
 * taken in ascending order, so two writers never each hold a lock the other waits for. SQLite
 * needs none: its writers take turns on the whole database.
 */
export async function lockKeys(trx: Kysely<any>, group: number, keys: readonly string[]): Promise<void> {
  if (!isPostgres(trx)) return
  const hashes = [...new Set(keys.map((key) => createHash('sha256').update(key).digest().readInt32BE(0)))].sort((a, b) => a - b)
  if (hashes.length === 0) return
  // One round trip for all keys; the ordered subquery takes the locks in ascending order, so two
  // writers locking overlapping sets never deadlock.
  await sql`select pg_advisory_xact_lock(${group}::int4, h) from (select unnest(${hashes}::int4[]) as h order by 1) as keys`.execute(trx)
}
