import type { Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// The lowercased search keys (email_key, name_key) were sized like the fields they come from,
// but lowercasing can lengthen text: 'İ' becomes 'i' + U+0307, two characters. A 100-character
// first name of such letters made a key PostgreSQL refused (a 500). The keys are derived, never
// shown, and bounded by the fields' own limits: text. SQLite never enforced the lengths.
// Frozen: later changes get a new file.

const KEYS = [
  ['customers', 'email_key'],
  ['customers', 'name_key'],
  ['customer_addresses', 'name_key'],
  ['customer_attributes', 'name_key'],
] as const

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return
  for (const [table, column] of KEYS) await db.schema.alterTable(table).alterColumn(column, (c) => c.setDataType('text')).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return
  const sizes: Record<string, string> = { 'customers.email_key': 'varchar(255)', 'customers.name_key': 'varchar(201)', 'customer_addresses.name_key': 'varchar(511)', 'customer_attributes.name_key': 'varchar(255)' }
  for (const [table, column] of KEYS) await db.schema.alterTable(table).alterColumn(column, (c) => c.setDataType(sizes[`${table}.${column}`] as 'text')).execute()
}
