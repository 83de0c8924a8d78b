import type { Transaction } from 'kysely'
import { reserveIds, reserveIdsApart, type CounterName } from './counters.js'
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
 * Tables whose ids are reserved apart from the writer's transaction on PostgreSQL
 * (reserveIdsApart: a rolled-back insert leaves a gap), so that their writers do not take turns
 * on the id row. The others' id rows are their areas' locks (lockStore), which their writers
 * hold already: those are reserved in the transaction, and a rolled-back insert gives them back.
 */
const RESERVED_APART: ReadonlySet<NumberedTable> = new Set(['customers'])

/** The rows, in order, each with the store's next id of `table` and the store's id: what its insert takes. */
export async function withNextIds<Row extends object>(
  trx: Transaction<Database>,
  storeId: number,
  table: NumberedTable,
  rows: readonly Row[],
): Promise<(Row & { store_id: number; id: number })[]> {
  if (rows.length === 0) return []
  const reserve = RESERVED_APART.has(table) ? reserveIdsApart : reserveIds
  const first = await reserve(trx, storeId, ID_COUNTERS[table], rows.length)
  return rows.map((row, i) => ({ ...row, store_id: storeId, id: first + i }))
}
