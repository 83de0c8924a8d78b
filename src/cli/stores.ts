import type { Command } from 'commander'
import * as stores from '../stores/service.js'
import { jsonOption, print, printList, withDatabase } from './shared.js'

export function registerStoreCommands(program: Command): void {
  const storesCommand = program.command('stores').description('manage stores')

  storesCommand
    .command('create <hash>')
    .option('--name <name>', 'display name')
    .addOption(jsonOption())
    .action((hash: string, options: { name?: string; json?: boolean }) =>
      withDatabase(async (db) => {
        const store = await stores.createStore(db, hash, options.name)
        print(options.json ? JSON.stringify(store) : `created store ${store.hash}`)
      }),
    )

  storesCommand
    .command('list')
    .addOption(jsonOption())
    .action((options: { json?: boolean }) =>
      withDatabase(async (db) => {
        const list = await stores.listStores(db)
        printList(list, options.json, (store) => `${store.hash}\t${store.name}\t${store.date_created}`)
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
