import { createRequire } from 'node:module'
import { Command } from 'commander'
import { loadConfig } from '../core/config.js'
import { StoreAdminError } from '../stores/lookup.js'
import { registerChannelCommands } from './channels.js'
import { registerCloneCommand } from './clone/command.js'
import { registerInstrumentCommands } from './instruments.js'
import { registerLimitCommands } from './limits.js'
import { registerLogsCommands } from './logs.js'
import { registerFormFieldCommands } from './form-fields.js'
import { print, withDatabase } from './shared.js'
import { registerSeedCommand } from './seed.js'
import { registerSnapshotCommands } from './snapshots.js'
import { registerStoreFileCommands } from './store-files.js'
import { registerStoreCommands } from './stores.js'
import { registerTokenCommands } from './tokens.js'
import { registerWebhookCommands } from './webhooks.js'

// `clientele <command>`: the server, and what a test suite or CI script needs around it. Every
// command works on the database DATABASE_URL names (default ./data/clientele.db).

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

const program = new Command('clientele').description('A self-hostable BigCommerce Customers V3 API server.').version(version)
program
  .command('serve')
  .description('serve the API (HOST, PORT, DATABASE_URL, LOG_LEVEL, ADMIN_TOKEN, REDIS_URL...: see README)')
  .option('--no-dev-store', 'create no dev store and print no token (as CLIENTELE_DEV_STORE=false)')
  .action(async (options: { devStore: boolean }) => {
    // Loaded here, not at the top: the app (Fastify, every route, the docs UI) would otherwise
    // double the start-up time of every other command.
    const { serve } = await import('../server.js')
    const config = loadConfig()
    await serve(options.devStore ? config : { ...config, devStore: false })
  })

program
  .command('migrate')
  .description('create the database if it is missing and bring its schema up to date')
  .action(() =>
    withDatabase(
      async () => {
        print('database is up to date')
      },
      { migrate: true },
    ),
  )

registerStoreCommands(program)
registerTokenCommands(program)
registerFormFieldCommands(program)
registerLimitCommands(program)
registerChannelCommands(program)
registerInstrumentCommands(program)
registerWebhookCommands(program)
registerStoreFileCommands(program)
registerSnapshotCommands(program)
registerCloneCommand(program)
registerSeedCommand(program)
registerLogsCommands(program)

try {
  await program.parseAsync()
} catch (error) {
  process.stderr.write(`clientele: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(error instanceof StoreAdminError ? 2 : 1)
}
