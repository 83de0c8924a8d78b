import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, type DialectAdapter, type SqliteDatabase } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.js'
import { OwnSchemaIntrospector } from './introspection.js'

export type DialectName = 'sqlite' | 'postgres'

export interface DatabaseHandle {
  db: Kysely<Database>
  dialect: DialectName
  /** where it points, without credentials, for logs */
  description: string
  /** PostgreSQL: the schema our tables (and the migration bookkeeping) live in */
  schema?: string
}

export interface OpenOptions {
  /** PostgreSQL only: a schema searched before `public` (the test suite's isolation; extensions live in public) */
  schema?: string
  /** PostgreSQL only: pool size */
  poolSize?: number
  /**
   * SQLite only: make the file when it is missing (`serve` and `migrate`). Other commands open an
   * existing one, so a typo or a wrong folder is an error rather than a new, empty database.
   */
  create?: boolean
}

/** The default SQLite file; only its folder is made when missing (any other folder must exist). */
export const DEFAULT_SQLITE_FILE = './data/clientele.db'

/** A database that cannot be opened or reached: one line that says where and why. */
export class DatabaseUnavailableError extends Error {}

/** Connections of a PostgreSQL pool, for /metrics. */
export interface PoolUsage {
  /** open connections, busy or idle */
  total: number
  idle: number
  /** queries waiting for a connection */
  waiting: number
  max: number
}

// The pool behind each PostgreSQL handle, so /metrics can read it from the Kysely instance the
// app already holds. (SQLite has one connection and no pool to report.)
const pools = new WeakMap<Kysely<any>, pg.Pool>()

export function poolUsage(db: Kysely<any>): PoolUsage | undefined {
  const pool = pools.get(db)
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }
}

/**
 * Per PostgreSQL handle, a pool of its own for the statements that commit apart from the
 * transaction they are made for (counters.ts `reserveIdsApart`), found from that transaction by
 * the adapter a handle shares with every transaction it opens. Not the handle's pool: transactions
 * that each hold a connection of it while waiting for such a statement could leave it none. As
 * large as that pool, so each open transaction can have one statement apart at a time. A statement
 * apart waits for a lock at most `APART_LOCK_TIMEOUT_MS`: its caller then does the work in its own
 * transaction (a long transaction holding the row, such as a reset or an import, is waited for
 * there, where PostgreSQL sees the wait and would find a deadlock).
 */
const apartHandles = new WeakMap<DialectAdapter, Kysely<Database>>()
export const APART_LOCK_TIMEOUT_MS = 1_000

/** The handle for statements apart from `db`'s transactions: PostgreSQL opened here only. */
export function handleApart(db: Kysely<any>): Kysely<Database> | undefined {
  return apartHandles.get(db.getExecutor().adapter)
}

const INT8_OID = 20
const NUMERIC_OID = 1700

/**
 * Opens the database a URL names: `postgres://...` (or `postgresql://`) for PostgreSQL, anything
 * else is a SQLite file path (`sqlite:` prefix optional; `:memory:` for a throwaway one).
 */
export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options)
  return openSqlite(url.replace(/^sqlite:(\/\/)?/, ''), options.create ?? true)
}

function openSqlite(file: string, create: boolean): DatabaseHandle {
  if (file !== ':memory:') {
    const path = resolve(file)
    if (!existsSync(path)) {
      if (!create) {
        throw new DatabaseUnavailableError(
          `no database at ${path}: set DATABASE_URL to the one \`clientele serve\` uses (default ${DEFAULT_SQLITE_FILE}, ` +
            'relative to the current folder), or make it with `clientele migrate`',
        )
      }
      if (file === DEFAULT_SQLITE_FILE) mkdirSync(dirname(path), { recursive: true })
      else if (!existsSync(dirname(path))) {
        throw new DatabaseUnavailableError(`the folder of DATABASE_URL ${path} does not exist (only ${DEFAULT_SQLITE_FILE}'s folder is made): create it first`)
      }
    }
  }
  const database = new SQLite(file)
  database.pragma('journal_mode = WAL')
  // With WAL, NORMAL loses no committed transaction on a process crash (only on power loss).
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
    dialect: 'sqlite',
    description: `sqlite:${file}`,
  }
}

const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely prepares every query anew; preparing is about a tenth of a short request's time. Keep
 * the most recent prepared statements by SQL text (least recently used out first). Reuse is safe:
 * better-sqlite3 runs each statement to completion synchronously, so none is ever busy twice.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = cache.get(text)
      if (statement) {
        cache.delete(text)
      } else {
        statement = database.prepare(text)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
      }
      cache.set(text, statement)
      return statement
    },
  }
}

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`schema name "${name}" must be letters, digits and _`)
  return name
}

function openPostgres(url: string, options: OpenOptions): DatabaseHandle {
  const size = options.poolSize ?? 10
  const pool = newPool(url, size, options.schema)
  const apart = new Kysely<Database>({ dialect: new PostgresDialect({ pool: newPool(url, size, options.schema, APART_LOCK_TIMEOUT_MS) }) })
  const safe = new URL(url)
  safe.password = ''
  const schema = options.schema ?? 'public'
  // Kysely's own introspector reads every schema and can fail on one dropped meanwhile (introspection.ts).
  class OwnSchemaDialect extends PostgresDialect {
    override createIntrospector(db: Kysely<any>) {
      return new OwnSchemaIntrospector(db, schema)
    }
    override createAdapter() {
      const adapter = super.createAdapter()
      apartHandles.set(adapter, apart)
      return adapter
    }
    override createDriver() {
      const driver = super.createDriver()
      const destroy = driver.destroy.bind(driver)
      driver.destroy = async () => {
        await destroy()
        await apart.destroy()
      }
      return driver
    }
  }
  const db = new Kysely<Database>({ dialect: new OwnSchemaDialect({ pool }) })
  pools.set(db, pool)
  return {
    db,
    dialect: 'postgres',
    schema,
    description: `${safe.protocol}//${safe.host}${safe.pathname}${options.schema ? ` (schema ${options.schema})` : ''}`,
  }
}

function newPool(url: string, max: number, schema: string | undefined, lockTimeoutMs?: number): pg.Pool {
  // The schema name goes into a connection option, not SQL; quote it as an identifier there.
  const settings = [
    ...(schema ? [`-c search_path=${quoteIdentifier(schema)},public`] : []),
    ...(lockTimeoutMs === undefined ? [] : [`-c lock_timeout=${lockTimeoutMs}`]),
  ]
  return new pg.Pool({
    connectionString: url,
    max,
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    // count(*) is int8 and sums are numeric: both fit a JS number for this data, so read them as one.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
}

/**
 * Opens one connection to prove the database answers, turning the driver's error into one line
 * naming the host, port and cause (the migrator would otherwise report "migration failed").
 */
export async function ensureReachable(handle: DatabaseHandle): Promise<void> {
  const pool = pools.get(handle.db)
  if (!pool) return
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    const url = new URL(pool.options.connectionString ?? 'postgres://localhost')
    const database = decodeURIComponent(url.pathname.slice(1))
    const where = `${url.hostname || 'localhost'}:${url.port || 5432}${database ? ` (database ${database})` : ''}`
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${where}: ${causeOf(error)}`)
  }
}

function causeOf(error: unknown): string {
  // An unreachable host arrives as an AggregateError (one per address tried) with an empty message.
  const first = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error
  const { code, message } = (first ?? {}) as { code?: string; message?: string }
  return message || code || String(error)
}
