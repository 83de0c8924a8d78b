import type { Kysely } from 'kysely'
import { possibleIds } from './ids.js'
import type { Database } from './schema.js'

// Which of some ids name rows of the store: how a sub-resource checks its owners (an address's
// customer, a form field value's customer or address) without reaching into another resource.

/** The store-owned tables whose rows other resources hang off. */
export type OwnerTable = 'customers' | 'customer_addresses'

/** The ids among `ids` that name rows of `table` in the store. In a transaction, read in it. */
export async function existingIds(db: Kysely<Database>, table: OwnerTable, storeId: number, ids: readonly number[]): Promise<Set<number>> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return new Set()
  const rows = await db.selectFrom(table).select('id').where('store_id', '=', storeId).where('id', 'in', possible).execute()
  return new Set(rows.map((row) => row.id))
}
