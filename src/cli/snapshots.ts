import type { Command } from 'commander'
import * as snapshots from '../stores/snapshots.js'
import { jsonOption, print, printList, withDatabase } from './shared.js'

// `clientele snapshots`: a store's saved states, as the admin API's /admin/stores/{hash}/snapshots.

export function registerSnapshotCommands(program: Command): void {
  const command = program.command('snapshots').description("save a store's data under a name and restore it")

  command
    .command('create <hash> <name>')
    .description("save the store's data (not its API accounts or hooks) as a snapshot")
    .option('--replace', 'replace a snapshot of that name')
    .action((hash: string, name: string, options: { replace?: boolean }) =>
      withDatabase(async (db) => {
        const snapshot = await snapshots.createSnapshot(db, hash, { name, replace: options.replace === true })
        print(`saved snapshot ${snapshot.name} of store ${hash}: ${snapshot.customers} customers, ${snapshot.rows} rows, ${snapshot.bytes} bytes`)
      }),
    )

  command
    .command('list <hash>')
    .description("list a store's snapshots")
    .addOption(jsonOption())
    .action((hash: string, options: { json?: boolean }) =>
      withDatabase(async (db) => {
        const list = await snapshots.listSnapshots(db, hash)
        printList(list, options.json, { header: ['name', 'date_created', 'customers', 'rows', 'bytes'], empty: 'no snapshots' },
          (s) => `${s.name}\t${s.date_created}\t${s.customers}\t${s.rows}\t${s.bytes}`)
      }),
    )

  command
    .command('restore <hash> <name>')
    .description('put the store back as the snapshot holds it (its API accounts and hooks stay); emits no webhook events')
    .action((hash: string, name: string) =>
      withDatabase(async (db) => {
        const snapshot = await snapshots.restoreSnapshot(db, hash, name)
        print(`restored store ${hash} to snapshot ${snapshot.name} (${snapshot.customers} customers)`)
      }),
    )

  command
    .command('delete <hash> <name>')
    .description('delete a snapshot')
    .action((hash: string, name: string) =>
      withDatabase(async (db) => {
        await snapshots.deleteSnapshot(db, hash, name)
        print(`deleted snapshot ${name} of store ${hash}`)
      }),
    )
}
