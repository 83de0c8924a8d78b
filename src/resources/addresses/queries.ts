import { type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely'
import { applyFilters, filterKey } from '../../core/filters.js'
import { countSinceLastWrite } from '../../db/cached-counts.js'
import { withNextIds } from '../../db/numbering.js'
import { type CustomerAddressTable, type Database } from '../../db/schema.js'
import { sortedById } from '../../db/rows.js'
import { ADDRESS_FILTERS } from './schemas.js'
import { possibleIds } from '../../db/ids.js'

export type AddressRow = Selectable<CustomerAddressTable>
export type NewAddressRow = Omit<Insertable<CustomerAddressTable>, 'store_id' | 'id'>

function matching(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  return applyFilters(db.selectFrom('customer_addresses').where('store_id', '=', storeId), ADDRESS_FILTERS, query)
}

export function filteredAddresses(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  return matching(db, storeId, query).selectAll()
}

/** The list total, counted again only after an address write or a customer write (a deleted customer takes its addresses). */
export async function countAddresses(db: Kysely<Database>, storeId: number, query: Record<string, unknown>): Promise<number> {
  return countSinceLastWrite(db, storeId, ['addresses.writes', 'customers.writes'], filterKey(ADDRESS_FILTERS, query), () => matching(db, storeId, query))
}

export async function findAddresses(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<AddressRow[]> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return []
  return db.selectFrom('customer_addresses').selectAll().where('store_id', '=', storeId).where('id', 'in', possible).execute()
}

/** Every address of these customers, by id (one query, whatever their number). */
export async function addressesOfCustomers(db: Kysely<Database>, storeId: number, customerIds: readonly number[]): Promise<AddressRow[]> {
  if (customerIds.length === 0) return []
  return sortedById(
    await db
      .selectFrom('customer_addresses')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('customer_id', 'in', [...new Set(customerIds)])
      .execute(),
  )
}

/**
 * Inserts addresses with the store's next ids; an address identical to one its customer already
 * has (a concurrent writer's) is skipped by the unique fingerprint. Returns each row as inserted
 * (every column: no read back), or undefined where it was skipped.
 */
export async function insertAddresses(trx: Transaction<Database>, storeId: number, rows: NewAddressRow[]): Promise<(AddressRow | undefined)[]> {
  if (rows.length === 0) return []
  const numbered = await withNextIds(trx, storeId, 'customer_addresses', rows)
  const inserted = await trx
    .insertInto('customer_addresses')
    .values(numbered)
    .onConflict((oc) => oc.columns(['store_id', 'customer_id', 'fingerprint']).doNothing())
    .returning('id')
    .execute()
  const done = new Set(inserted.map((r) => r.id))
  return numbered.map((row) => (done.has(row.id) ? (row as AddressRow) : undefined))
}

export async function updateAddress(trx: Transaction<Database>, storeId: number, id: number, changes: Updateable<CustomerAddressTable>): Promise<void> {
  await trx.updateTable('customer_addresses').set(changes).where('store_id', '=', storeId).where('id', '=', id).execute()
}

/** Deletes addresses; returns those that existed (id and customer), in id order. */
export async function deleteAddresses(trx: Transaction<Database>, storeId: number, ids: readonly number[]): Promise<{ id: number; customer_id: number }[]> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return []
  const rows = await trx
    .deleteFrom('customer_addresses')
    .where('store_id', '=', storeId)
    .where('id', 'in', possible)
    .returning(['id', 'customer_id'])
    .execute()
  return sortedById(rows)
}
