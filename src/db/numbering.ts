import type { Transaction } from 'kysely'
import { reserveIds, type CounterName } from './counters.js'
import type { Database } from './schema.js'

// Rows whose ids the store numbers itself (1, 2, 3... in every store, never reused:
// COMPATIBILITY.md "Customer ids"), and the counter each takes its ids from.
export const ID_COUNTERS = {
  customers: 'customers.last_id',
  customer_addresses: 'addresses.last_id',
  customer_attributes: 'attributes.last_id',
  customer_attribute_values: 'attribute_values.last_id',
  form_fields: 'form_fields.last_id',
} as const satisfies Record<string, CounterName>

export type NumberedTable = keyof typeof ID_COUNTERS

/**
 * The rows, in order, each with the store's next id of `table` and the store's id: what its
 * insert takes. The ids are reserved in the transaction, so a rolled-back insert gives them back.
 */
export async function withNextIds<Row extends object>(
  trx: Transaction<Database>,
  storeId: number,
  table: NumberedTable,
  rows: readonly Row[],
): Promise<(Row & { store_id: number; id: number })[]> {
  if (rows.length === 0) return []
  const first = await reserveIds(trx, storeId, ID_COUNTERS[table], rows.length)
  return rows.map((row, i) => ({ ...row, store_id: storeId, id: first + i }))
}
