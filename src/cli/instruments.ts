import type { Command } from 'commander'
import * as instruments from '../resources/stored-instruments/fixtures.js'
import { StoreAdminError } from '../stores/lookup.js'
import { jsonOption, print, printList, withDatabase } from './shared.js'

// `clientele instruments ...`: a customer's stored payment instruments, as test fixtures (real
// stores get them from payments). The API reads them at /customers/{id}/stored-instruments.

const integer = (text: string): number => (/^\d+$/.test(text) ? Number(text) : Number.NaN)

function parseInstrument(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new StoreAdminError('invalid', 'the instrument must be JSON, e.g. \'{"type":"stored_paypal_account","email":"shopper@example.com"}\'')
  }
}

export function registerInstrumentCommands(program: Command): void {
  const command = program.command('instruments').description("manage customers' stored payment instruments (test fixtures)")

  command
    .command('add <instrument>')
    .description('add an instrument given as JSON: {"type":"stored_card"|"stored_paypal_account"|"stored_bank_account", ...its fields}')
    .requiredOption('--store <hash>', 'the store')
    .requiredOption('--customer <id>', 'the customer id', integer)
    .option('--default', "make it the customer's default instrument (the previous default stops being one)")
    .addOption(jsonOption())
    .action((text: string, options: { store: string; customer: number; default?: boolean; json?: boolean }) =>
      withDatabase(async (db) => {
        const input = parseInstrument(text)
        const withDefault = options.default && typeof input === 'object' && input !== null ? { ...input, is_default: true } : input
        const instrument = await instruments.addInstrument(db, options.store, options.customer, withDefault)
        print(options.json ? JSON.stringify(instrument) : `added ${instrument.type} ${instrument.token}${instrument.is_default ? ' (default)' : ''}`)
      }),
    )

  command
    .command('list')
    .description("list a customer's stored instruments")
    .requiredOption('--store <hash>', 'the store')
    .requiredOption('--customer <id>', 'the customer id', integer)
    .addOption(jsonOption())
    .action((options: { store: string; customer: number; json?: boolean }) =>
      withDatabase(async (db) => {
        const list = await instruments.listInstrumentsOf(db, options.store, options.customer)
        printList(list, options.json, { header: ['token', 'type', 'default'], empty: 'no stored instruments' }, (instrument) => `${instrument.token}\t${instrument.type}${instrument.is_default ? '\tdefault' : ''}`)
      }),
    )

  command
    .command('remove <token>')
    .description('remove a stored instrument')
    .requiredOption('--store <hash>', 'the store')
    .requiredOption('--customer <id>', 'the customer id', integer)
    .action((token: string, options: { store: string; customer: number }) =>
      withDatabase(async (db) => {
        await instruments.removeInstrument(db, options.store, options.customer, token)
        print(`removed ${token}`)
      }),
    )
}
