import { Option } from 'commander'
import { loadConfig, type Config } from '../core/config.js'
import { ensureReachable, openDatabase } from '../db/connect.js'
import { migrateToLatest, migrationsCurrent } from '../db/migrate.js'
import type { CreatedAccount } from '../stores/service.js'

// What every command module shares: output, the --json option, and a migrated database handle.

export const print = (line: string) => process.stdout.write(`${line}\n`)

export const jsonOption = () => new Option('--json', 'print JSON instead of text')

/**
 * A list as one JSON array (--json), or a header line of column names and one tab-separated line
 * per item; an empty list says so in words (`no stores`), so nobody mistakes it for a failure.
 */
export function printList<T>(items: readonly T[], json: boolean | undefined, list: { header: string[]; empty: string }, line: (item: T) => string): void {
  if (json) {
    print(JSON.stringify(items))
    return
  }
  if (items.length === 0) {
    print(list.empty)
    return
  }
  print(list.header.join('\t'))
  for (const item of items) print(line(item))
}

export type Db = ReturnType<typeof openDatabase>['db']

/**
 * Runs a command against the database DATABASE_URL (and DATABASE_SCHEMA) names, closing it
 * afterwards. Only `migrate` (`{ migrate: true }`) may create it; the others need it to exist and,
 * unless MIGRATE_ON_START=false, bring it up to date as `serve` would. With MIGRATE_ON_START=false
 * they refuse to touch an unmigrated one: migrations are then the release's `clientele migrate`.
 */
export async function withDatabase(work: (db: Db, config: Config) => Promise<void>, options: { migrate?: boolean } = {}): Promise<void> {
  const config = loadConfig()
  const handle = openDatabase(config.databaseUrl, { create: options.migrate === true, poolSize: 2, ...(config.databaseSchema ? { schema: config.databaseSchema } : {}) })
  const { db, schema, description } = handle
  try {
    await ensureReachable(handle)
    if (options.migrate || config.migrateOnStart) await migrateToLatest(db, schema)
    else if (!(await migrationsCurrent(db, schema))) {
      throw new Error(`the database ${description} has migrations pending: run \`clientele migrate\` (MIGRATE_ON_START=false)`)
    }
    await work(db, config)
  } finally {
    await db.destroy()
  }
}

/** A new API account, as `stores create --with-token` and `tokens create` print it: its secrets are shown this once. */
export function printCreatedAccount(account: CreatedAccount): void {
  print(`client id:     ${account.client_id}`)
  print(`access token:  ${account.access_token}`)
  print(`scopes:        ${account.scopes.join(' ')}`)
  print(`client secret: ${account.client_secret}   (verifies its webhook deliveries)`)
}
