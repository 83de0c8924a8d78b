import { sql, type Kysely } from 'kysely'
import { inject } from 'vitest'
import { openDatabase, type DialectName } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { Database } from '../../src/db/schema.js'

// The databases every HTTP test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
// TEST_BACKENDS=sqlite (or postgres) narrows the list.

export type Backend = DialectName

/** The PostgreSQL schema this run owns: created and migrated once per run by global-setup.ts. */
export function pgTestSchema(): string {
  return inject('pgSchema')
}

const available: Backend[] = ['sqlite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])]
const narrowed = process.env.TEST_BACKENDS?.split(',').map((b) => b.trim())

export const BACKENDS: Backend[] = narrowed ? available.filter((b) => narrowed.includes(b)) : available

/**
 * A migrated database for one test file. SQLite: a fresh in-memory database. PostgreSQL: the
 * suite's schema, shared by the files of the run; tests keep apart by each using stores of its own.
 */
export async function openTestDatabase(backend: Backend): Promise<Kysely<Database>> {
  if (backend === 'sqlite') {
    const { db } = openDatabase(':memory:')
    await migrateToLatest(db)
    return db
  }
  const url = process.env.TEST_DATABASE_URL
  if (!url) throw new Error('TEST_DATABASE_URL is not set')
  return openDatabase(url, { schema: pgTestSchema(), poolSize: 4 }).db
}

/** A database a test file has to itself: for the webhook worker, which sends every store's events it can see. */
export interface OwnDatabase {
  db: Kysely<Database>
  /** PostgreSQL: the schema made for it */
  schema?: string
  /** drops the schema (PostgreSQL) and closes the database */
  drop(): Promise<void>
}

/**
 * SQLite: a fresh in-memory database, as openTestDatabase. PostgreSQL: a schema of its own named
 * `clientele_<name>_<pid>`, so a delivery worker never takes the events or calls the hooks of
 * another test file's stores in the run's shared schema.
 */
export async function openOwnDatabase(backend: Backend, name: string): Promise<OwnDatabase> {
  const url = process.env.TEST_DATABASE_URL
  if (backend === 'sqlite' || !url) {
    const db = await openTestDatabase(backend)
    return { db, drop: () => db.destroy() }
  }
  const schema = `clientele_${name}_${process.pid}`
  const { db } = openDatabase(url, { schema, poolSize: 4 })
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
  await sql`create schema ${sql.id(schema)}`.execute(db)
  await migrateToLatest(db, schema)
  return {
    db,
    schema,
    drop: async () => {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
      await db.destroy()
    },
  }
}
