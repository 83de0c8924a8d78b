import { type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely'
import { applyFilters, filterKey } from '../../core/filters.js'
import { countSinceLastWrite } from '../../db/cached-counts.js'
import { withNextIds } from '../../db/numbering.js'
import { type CustomerAttributeValueTable, type Database } from '../../db/schema.js'
import { sortedById } from '../../db/rows.js'
import { ATTRIBUTE_VALUE_FILTERS } from './schemas.js'
import { possibleIds } from '../../db/ids.js'

export type ValueRow = Selectable<CustomerAttributeValueTable>
export type NewValueRow = Omit<Insertable<CustomerAttributeValueTable>, 'store_id' | 'id'>

// The attribute is joined for the `name` filter; every value has one (the foreign key).
function matching(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  const joined = db
    .selectFrom('customer_attribute_values as v')
    .innerJoin('customer_attributes as a', (join) => join.onRef('a.store_id', '=', 'v.store_id').onRef('a.id', '=', 'v.attribute_id'))
    .where('v.store_id', '=', storeId)
  return applyFilters(joined, ATTRIBUTE_VALUE_FILTERS, query)
}

export function filteredValues(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  return matching(db, storeId, query).selectAll('v')
}

/**
 * The list total, counted again only after an attribute value write (an attribute's deletion
 * takes that lock too) or a customer write (a deleted customer takes its values).
 */
export async function countValues(db: Kysely<Database>, storeId: number, query: Record<string, unknown>): Promise<number> {
  const key = filterKey(ATTRIBUTE_VALUE_FILTERS, query)
  return countSinceLastWrite(db, storeId, ['attribute_values.writes', 'customers.writes'], key, () => matching(db, storeId, query))
}

export async function findValues(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<ValueRow[]> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return []
  return db.selectFrom('customer_attribute_values').selectAll().where('store_id', '=', storeId).where('id', 'in', possible).execute()
}

/** Every value of these customers, by id (one query, whatever their number). */
export async function valuesOfCustomers(db: Kysely<Database>, storeId: number, customerIds: readonly number[]): Promise<ValueRow[]> {
  if (customerIds.length === 0) return []
  return sortedById(
    await db
      .selectFrom('customer_attribute_values')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('customer_id', 'in', [...new Set(customerIds)])
      .execute(),
  )
}

export async function insertValues(trx: Transaction<Database>, storeId: number, rows: NewValueRow[]): Promise<number[]> {
  const numbered = await withNextIds(trx, storeId, 'customer_attribute_values', rows)
  if (numbered.length > 0) await trx.insertInto('customer_attribute_values').values(numbered).execute()
  return numbered.map((row) => row.id)
}

export async function setValue(trx: Transaction<Database>, storeId: number, id: number, value: string, stamp: string): Promise<void> {
  await trx
    .updateTable('customer_attribute_values')
    .set({ value, date_modified: stamp })
    .where('store_id', '=', storeId)
    .where('id', '=', id)
    .execute()
}

/** Deletes values; returns the ids of the customers that had them. */
export async function deleteValues(trx: Transaction<Database>, storeId: number, ids: readonly number[]): Promise<number[]> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return []
  const rows = await trx
    .deleteFrom('customer_attribute_values')
    .where('store_id', '=', storeId)
    .where('id', 'in', possible)
    .returning('customer_id')
    .execute()
  return [...new Set(rows.map((r) => r.customer_id))]
}
