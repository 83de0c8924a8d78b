import type { Row } from './format.js'

// The references between a file's rows that the database does not check (its tables hang off the
// store, not off each other): an address of a customer the file does not hold would be a row no
// API call can reach or remove. A file lists what is referred to before what refers to it
// (tables.ts), so each row is checked against the rows above it.

type Check = (row: Row, seen: (table: string, id: unknown) => boolean) => string | undefined

const customerOf: Check = (row, seen) => (seen('customers', row.customer_id) ? undefined : `customer ${String(row.customer_id)} is not in the file`)

const CHECKS: Record<string, Check[]> = {
  customer_settings: [(row, seen) => (row.channel_id === 0 || seen('channels', row.channel_id) ? undefined : `channel ${String(row.channel_id)} is not in the file`)],
  customers: [(row, seen) => (seen('channels', row.origin_channel_id) ? undefined : `origin channel ${String(row.origin_channel_id)} is not in the file`)],
  customer_addresses: [customerOf],
  customer_attribute_values: [customerOf, (row, seen) => (seen('customer_attributes', row.attribute_id) ? undefined : `attribute ${String(row.attribute_id)} is not in the file`)],
  form_field_values: [
    (row, seen) => (seen('form_fields', row.field_id) ? undefined : `form field ${String(row.field_id)} is not in the file`),
    (row, seen) => {
      if ((row.customer_id === null) === (row.address_id === null)) return 'exactly one of customer_id and address_id must be set'
      if (row.customer_id !== null) return customerOf(row, seen)
      return seen('customer_addresses', row.address_id) ? undefined : `address ${String(row.address_id)} is not in the file`
    },
  ],
  customer_consents: [customerOf],
  stored_instruments: [customerOf],
  metafields: [(row, seen) => (row.resource_type !== 'customer' || seen('customers', Number(row.resource_id)) ? undefined : `customer ${String(row.resource_id)} is not in the file`)],
  webhooks: [(row, seen) => (seen('api_accounts', row.client_id) ? undefined : `API account ${String(row.client_id)} is not in the file`)],
  webhook_admin_emails: [(row, seen) => (seen('api_accounts', row.client_id) ? undefined : `API account ${String(row.client_id)} is not in the file`)],
}

// What other rows refer to a row of these tables by.
const KEYS: Record<string, string> = {
  channels: 'id', customers: 'id', customer_addresses: 'id', customer_attributes: 'id', customer_attribute_values: 'id', form_fields: 'id',
  api_accounts: 'client_id',
}

export class References {
  private readonly ids = new Map<string, Set<unknown>>()
  private readonly highestIds = new Map<string, number>()

  /** What is wrong with the row's references, if anything; records its own key otherwise. */
  check(table: string, row: Row): string | undefined {
    const seen = (of: string, id: unknown) => this.ids.get(of)?.has(id) === true
    for (const check of CHECKS[table] ?? []) {
      const problem = check(row, seen)
      if (problem) return `${table}: ${problem}`
    }
    const key = KEYS[table]
    if (key === undefined) return undefined
    const set = this.ids.get(table) ?? new Set()
    this.ids.set(table, set)
    if (set.has(row[key])) return `${table}: ${key} ${JSON.stringify(row[key])} appears twice`
    set.add(row[key])
    if (typeof row[key] === 'number') this.highestIds.set(table, Math.max(this.highestIds.get(table) ?? 0, row[key]))
    return undefined
  }

  /** The highest id the file gave a row of the table (0 for none). */
  highest(table: string): number {
    return this.highestIds.get(table) ?? 0
  }
}
