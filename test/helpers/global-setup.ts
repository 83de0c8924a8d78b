import { sql } from 'kysely'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** the PostgreSQL schema of this run (see pgTestSchema in backends.ts) */
    pgSchema: string
  }
}

const PREFIX = 'clientele_test_'

/** True while the process that owns a run's schema is alive (its pid is in the schema name). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// Once per run: a migrated PostgreSQL schema of the run's own (when TEST_DATABASE_URL is set), so
// two runs on one database never touch each other's tables; dropped at the end, and schemas
// left by runs that were killed are dropped at the next start.
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const url = process.env.TEST_DATABASE_URL
  if (!url) return
  const schema = `${PREFIX}${process.pid}`
  project.provide('pgSchema', schema)
  const { db } = openDatabase(url, { schema, poolSize: 1 })
  try {
    const stale = await sql<{ name: string }>`select nspname as name from pg_namespace where nspname like ${`${PREFIX}%`}`.execute(db)
    for (const { name } of stale.rows) {
      const pid = Number(name.slice(PREFIX.length))
      if (name === schema || !alive(pid)) await sql`drop schema if exists ${sql.id(name)} cascade`.execute(db)
    }
    await sql`create schema ${sql.id(schema)}`.execute(db)
    await migrateToLatest(db, schema)
  } finally {
    await db.destroy()
  }
  return async () => {
    const { db } = openDatabase(url, { schema, poolSize: 1 })
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
    await db.destroy()
  }
}
