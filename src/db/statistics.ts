import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.js'

// PostgreSQL plans from table statistics that only ANALYZE refreshes. autovacuum does it on a
// server in steady state, but it may be off (it is on some test machines) and lags behind a
// bulk load either way: right after 100,000 customers went in, the planner took the table for
// a handful of rows and answered a page of 50 with a scan and sort of the whole store (25 req/s
// instead of thousands). So each `clientele serve` keeps them fresh itself, by autovacuum's own
// rule: a table changed by more than 50 rows plus a tenth of its size since its last ANALYZE
// (PostgreSQL counts those changes in pg_stat_user_tables whether autovacuum runs or not) is
// analyzed now. Checked at start and then every CHECK_INTERVAL_MS; a table just analyzed by
// one node reads as fresh to the others. SQLite plans well from its indexes alone and is left
// as it is.

export const CHECK_INTERVAL_MS = 10_000
const ROWS = 50
const FRACTION = 0.1

/** The tables of the connection's schema whose statistics are stale by autovacuum's rule. */
export async function staleTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ relname: string }>`
    select s.relname from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema()
      and s.n_mod_since_analyze > ${ROWS} + ${FRACTION} * greatest(c.reltuples, 0)
    order by s.relname`.execute(db)
  return rows.map((row) => row.relname)
}

/** ANALYZEs every stale table; returns their names. */
export async function analyzeStaleTables(db: Kysely<Database>): Promise<string[]> {
  const stale = await staleTables(db)
  for (const table of stale) await sql`analyze ${sql.table(table)}`.execute(db)
  return stale
}

/**
 * ANALYZEs tables inside a bulk write's own transaction (PostgreSQL counts the transaction's own
 * new rows): plans made for the tables' first rows, such as the foreign key checks' seq scan of
 * what was an empty table, would otherwise serve every later statement of the load.
 */
export async function analyzeTables(db: Kysely<Database>, tables: readonly (keyof Database)[]): Promise<void> {
  for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db)
}

export interface StatisticsKeeper {
  stop(): Promise<void>
}

/** Keeps a PostgreSQL database's statistics fresh until stopped; a failed check is reported and tried again later. */
export function keepStatisticsFresh(db: Kysely<Database>, onError: (error: unknown) => void, intervalMs = CHECK_INTERVAL_MS): StatisticsKeeper {
  let running: Promise<unknown> = Promise.resolve()
  const check = () => {
    running = analyzeStaleTables(db).catch(onError)
  }
  check()
  const timer = setInterval(check, intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
