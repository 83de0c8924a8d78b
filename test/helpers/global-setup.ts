import { sql } from 'kysely'
import { openDatabase } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { PG_TEST_SCHEMA } from './backends.js'

// Once per run: a clean, migrated PostgreSQL schema for the suite (when TEST_DATABASE_URL is set).
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL
  if (!url) return
  const { db } = openDatabase(url, { schema: PG_TEST_SCHEMA, poolSize: 1 })
  try {
    await sql`drop schema if exists ${sql.id(PG_TEST_SCHEMA)} cascade`.execute(db)
    await sql`create schema ${sql.id(PG_TEST_SCHEMA)}`.execute(db)
    await migrateToLatest(db, PG_TEST_SCHEMA)
  } finally {
    await db.destroy()
  }
}
