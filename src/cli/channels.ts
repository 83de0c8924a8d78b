import type { Command } from 'commander'
import * as channels from '../stores/channels.js'
import { jsonOption, print, printList, withDatabase } from './shared.js'

// `clientele channels ...`: a store's channels (storefronts), which BigCommerce manages through
// its Channels API. Channel 1 comes with every store.

const integer = (text: string): number => (/^\d+$/.test(text) ? Number(text) : Number.NaN)

export function registerChannelCommands(program: Command): void {
  const command = program.command('channels').description("manage a store's channels")

  command
    .command('create')
    .description('add a channel')
    .requiredOption('--store <hash>', 'the store')
    .requiredOption('--name <name>', 'the channel name')
    .option('--id <id>', 'the channel id (default: one more than the highest)', integer)
    .addOption(jsonOption())
    .action((options: { store: string; name: string; id?: number; json?: boolean }) =>
      withDatabase(async (db) => {
        const channel = await channels.createChannel(db, options.store, { name: options.name, ...(options.id === undefined ? {} : { id: options.id }) })
        print(options.json ? JSON.stringify(channel) : `created channel ${channel.id}: ${channel.name}`)
      }),
    )

  command
    .command('list')
    .description("list a store's channels")
    .requiredOption('--store <hash>', 'the store')
    .addOption(jsonOption())
    .action((options: { store: string; json?: boolean }) =>
      withDatabase(async (db) => {
        const list = await channels.listChannels(db, options.store)
        printList(list, options.json, { header: ['id', 'name', 'date_created'], empty: 'no channels' }, (channel) => `${channel.id}\t${channel.name}\t${channel.date_created}`)
      }),
    )

  command
    .command('rename <id> <name>')
    .description('rename a channel')
    .requiredOption('--store <hash>', 'the store')
    .action((id: string, name: string, options: { store: string }) =>
      withDatabase(async (db) => {
        const channel = await channels.renameChannel(db, options.store, integer(id), name)
        print(`renamed channel ${channel.id}: ${channel.name}`)
      }),
    )

  command
    .command('delete <id>')
    .description('delete a channel no customer uses (channel 1 stays), with its customer settings')
    .requiredOption('--store <hash>', 'the store')
    .action((id: string, options: { store: string }) =>
      withDatabase(async (db) => {
        await channels.deleteChannel(db, options.store, integer(id))
        print(`deleted channel ${id}`)
      }),
    )
}
