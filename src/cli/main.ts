import { Command, Option } from 'commander'
import { loadConfig } from '../core/config.js'
import { ALL_SCOPES } from '../core/scopes.js'
import { openDatabase } from '../db/connect.js'
import { migrateToLatest } from '../db/migrate.js'
import * as stores from '../stores/service.js'

// `clientele <command>`: the server, and what a test suite or CI script needs around it. Every
// command works on the database DATABASE_URL names (default ./data/clientele.db).

const program = new Command('clientele').description('A self-hostable BigCommerce Customers V3 API server.')
const print = (line: string) => process.stdout.write(`${line}\n`)
const json = new Option('--json', 'print JSON instead of text')

/** Runs a command against a migrated database, closing it afterwards. */
async function withDatabase(work: (db: ReturnType<typeof openDatabase>['db']) => Promise<void>): Promise<void> {
  const config = loadConfig()
  const { db, schema } = openDatabase(config.databaseUrl, config.databaseSchema ? { schema: config.databaseSchema } : {})
  try {
    await migrateToLatest(db, schema)
    await work(db)
  } finally {
    await db.destroy()
  }
}

program
  .command('serve')
  .description('serve the API (HOST, PORT, DATABASE_URL, LOG_LEVEL, ADMIN_TOKEN)')
  .action(async () => {
    // Loaded here, not at the top: the app (Fastify, every route, the docs UI) would otherwise
    // double the start-up time of every other command.
    const { serve } = await import('../server.js')
    await serve(loadConfig())
  })

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(() =>
    withDatabase(async () => {
      print('database is up to date')
    }),
  )

const storesCommand = program.command('stores').description('manage stores')

storesCommand
  .command('create <hash>')
  .option('--name <name>', 'display name')
  .addOption(json)
  .action((hash: string, options: { name?: string; json?: boolean }) =>
    withDatabase(async (db) => {
      const store = await stores.createStore(db, hash, options.name)
      print(options.json ? JSON.stringify(store) : `created store ${store.hash}`)
    }),
  )

storesCommand
  .command('list')
  .addOption(json)
  .action((options: { json?: boolean }) =>
    withDatabase(async (db) => {
      const list = await stores.listStores(db)
      if (options.json) {
        print(JSON.stringify(list))
        return
      }
      for (const store of list) print(`${store.hash}\t${store.name}\t${store.date_created}`)
    }),
  )

storesCommand
  .command('delete <hash>')
  .description('delete a store, its API accounts and all its data')
  .action((hash: string) =>
    withDatabase(async (db) => {
      await stores.deleteStore(db, hash)
      print(`deleted store ${hash}`)
    }),
  )

storesCommand
  .command('reset <hash>')
  .description("empty a store's data, keeping its API accounts")
  .action((hash: string) =>
    withDatabase(async (db) => {
      await stores.resetStore(db, hash)
      print(`reset store ${hash}`)
    }),
  )

const tokensCommand = program.command('tokens').description('manage API accounts and their tokens')

tokensCommand
  .command('create')
  .requiredOption('--store <hash>', 'the store the token works on')
  .option('--scopes <list>', `comma-separated scopes (default: all of ${ALL_SCOPES.join(',')})`)
  .option('--client-id <id>', 'the account client id (default: random)')
  .option('--name <name>', 'display name')
  .addOption(json)
  .action((options: { store: string; scopes?: string; clientId?: string; name?: string; json?: boolean }) =>
    withDatabase(async (db) => {
      const scopes = options.scopes ? options.scopes.split(',').map((s) => s.trim()).filter(Boolean) : ALL_SCOPES
      const account = await stores.createAccount(db, {
        storeHash: options.store,
        scopes,
        ...(options.clientId ? { clientId: options.clientId } : {}),
        ...(options.name ? { name: options.name } : {}),
      })
      if (options.json) {
        print(JSON.stringify(account))
        return
      }
      print(`client id:    ${account.client_id}`)
      print(`access token: ${account.access_token}`)
      print(`scopes:       ${account.scopes.join(' ')}`)
    }),
  )

tokensCommand
  .command('list')
  .option('--store <hash>', 'only this store')
  .addOption(json)
  .action((options: { store?: string; json?: boolean }) =>
    withDatabase(async (db) => {
      const accounts = await stores.listAccounts(db, options.store)
      if (options.json) {
        print(JSON.stringify(accounts))
        return
      }
      for (const a of accounts) print(`${a.client_id}\t${a.store_hash}\t${a.scopes.join(',')}\t${a.name}`)
    }),
  )

tokensCommand
  .command('revoke <client_id>')
  .description('revoke an API account: its token stops working at once')
  .action((clientId: string) =>
    withDatabase(async (db) => {
      await stores.revokeAccount(db, clientId)
      print(`revoked ${clientId}`)
    }),
  )

try {
  await program.parseAsync()
} catch (error) {
  process.stderr.write(`clientele: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(error instanceof stores.StoreAdminError ? 2 : 1)
}
