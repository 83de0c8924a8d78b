import type { Command } from 'commander'
import { ALL_SCOPES } from '../core/scopes.js'
import * as stores from '../stores/service.js'
import { jsonOption, print, printCreatedAccount, printList, withDatabase } from './shared.js'

export function registerStoreCommands(program: Command): void {
  const storesCommand = program.command('stores').description('manage stores')

  storesCommand
    .command('create <hash>')
    .description('create a store (with --with-token, an API account holding every scope too)')
    .option('--name <name>', 'display name')
    .option('--with-token', 'also create an API account with every scope and print its token')
    .addOption(jsonOption())
    .action((hash: string, options: { name?: string; withToken?: boolean; json?: boolean }) =>
      withDatabase(async (db) => {
        const store = await stores.createStore(db, hash, options.name)
        const account = options.withToken ? await stores.createAccount(db, { storeHash: hash, scopes: ALL_SCOPES }) : undefined
        if (options.json) {
          print(JSON.stringify(account ? { ...store, account } : store))
          return
        }
        print(`created store ${store.hash}`)
        if (account) {
          printCreatedAccount(account)
        }
      }),
    )

  storesCommand
    .command('list')
    .description('list stores')
    .addOption(jsonOption())
    .action((options: { json?: boolean }) =>
      withDatabase(async (db) => {
        const list = await stores.listStores(db)
        printList(list, options.json, { header: ['hash', 'name', 'date_created'], empty: 'no stores' }, (store) => `${store.hash}\t${store.name}\t${store.date_created}`)
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
    .description("empty a store's data, keeping its API accounts and channels")
    .action((hash: string) =>
      withDatabase(async (db) => {
        await stores.resetStore(db, hash)
        print(`reset store ${hash}`)
      }),
    )
}
