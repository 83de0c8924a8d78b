import type { Command } from 'commander'
import { ALL_SCOPES } from '../core/scopes.js'
import * as stores from '../stores/service.js'
import { jsonOption, print, printCreatedAccount, printList, withDatabase } from './shared.js'

export function registerTokenCommands(program: Command): void {
  const tokensCommand = program.command('tokens').description('manage API accounts and their tokens')

  tokensCommand
    .command('create')
    .description('create an API account on a store; prints its client id and its token (shown once)')
    .requiredOption('--store <hash>', 'the store the token works on')
    .option('--scopes <list>', `comma-separated scopes (default: all of ${ALL_SCOPES.join(',')})`)
    .option('--client-id <id>', 'the account client id (default: random)')
    .option('--name <name>', 'display name')
    .addOption(jsonOption())
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
        printCreatedAccount(account)
      }),
    )

  tokensCommand
    .command('list')
    .description('list API accounts (never their tokens)')
    .option('--store <hash>', 'only this store')
    .addOption(jsonOption())
    .action((options: { store?: string; json?: boolean }) =>
      withDatabase(async (db) => {
        const accounts = await stores.listAccounts(db, options.store)
        printList(accounts, options.json, { header: ['client_id', 'store', 'scopes', 'name'], empty: 'no API accounts' }, (a) => `${a.client_id}\t${a.store_hash}\t${a.scopes.join(',')}\t${a.name}`)
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
}
