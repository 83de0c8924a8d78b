import { Option } from 'commander'
import { loadConfig } from '../core/config.js'
import { openDatabase } from '../db/connect.js'
import { migrateToLatest } from '../db/migrate.js'

// What every command module shares: output, the --json option, and a migrated database handle.

export const print = (line: string) => process.stdout.write(`${line}\n`)

export const jsonOption = () => new Option('--json', 'print JSON instead of text')

/** A list as one JSON array (--json), or one tab-separated text line per item. */
export function printList<T>(items: readonly T[], json: boolean | undefined, line: (item: T) => string): void {
  if (json) {
    print(JSON.stringify(items))
    return
  }
  for (const item of items) print(line(item))
}

export type Db = ReturnType<typeof openDatabase>['db']

/** Runs a command against a migrated database (DATABASE_URL, DATABASE_SCHEMA), closing it afterwards. */
export async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  const config = loadConfig()
  const { db, schema } = openDatabase(config.databaseUrl, config.databaseSchema ? { schema: config.databaseSchema } : {})
  try {
    await migrateToLatest(db, schema)
    await work(db)
  } finally {
    await db.destroy()
  }
}
