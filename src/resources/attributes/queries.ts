import { type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely'
import { applyFilters } from '../../core/filters.js'
import { withNextIds } from '../../db/numbering.js'
import { recountCustomers } from '../../db/recount.js'
import { type CustomerAttributeTable, type Database } from '../../db/schema.js'
import { ATTRIBUTE_FILTERS } from './schemas.js'
import { possibleIds } from '../../db/ids.js'

export type AttributeRow = Selectable<CustomerAttributeTable>
export type NewAttributeRow = Omit<Insertable<CustomerAttributeTable>, 'store_id' | 'id'>

function matching(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  return applyFilters(db.selectFrom('customer_attributes').where('store_id', '=', storeId), ATTRIBUTE_FILTERS, query)
}

export function filteredAttributes(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  return matching(db, storeId, query).selectAll()
}

export async function countAttributes(db: Kysely<Database>, storeId: number, query: Record<string, unknown> = {}): Promise<number> {
  const row = await matching(db, storeId, query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Every attribute of the store (at most 50). */
export function attributesOf(db: Kysely<Database>, storeId: number): Promise<AttributeRow[]> {
  return db.selectFrom('customer_attributes').selectAll().where('store_id', '=', storeId).orderBy('id').execute()
}

/** An attribute's name as uniqueness and the name filters compare it (case-insensitively). */
export const attributeNameKey = (name: string): string => name.toLowerCase()

export async function insertAttributes(trx: Transaction<Database>, storeId: number, rows: NewAttributeRow[]): Promise<number[]> {
  const numbered = await withNextIds(trx, storeId, 'customer_attributes', rows)
  if (numbered.length > 0) await trx.insertInto('customer_attributes').values(numbered).execute()
  return numbered.map((row) => row.id)
}

export async function renameAttribute(trx: Transaction<Database>, storeId: number, id: number, name: string, stamp: string): Promise<void> {
  await trx
    .updateTable('customer_attributes')
    .set({ name, name_key: attributeNameKey(name), date_modified: stamp })
    .where('store_id', '=', storeId)
    .where('id', '=', id)
    .execute()
}

/** Deletes attributes with every customer's values of them (the values cascade), and recounts those customers' values. */
export async function deleteAttributes(trx: Transaction<Database>, storeId: number, ids: readonly number[]): Promise<void> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return
  const holders = await trx
    .selectFrom('customer_attribute_values')
    .select('customer_id')
    .distinct()
    .where('store_id', '=', storeId)
    .where('attribute_id', 'in', possible)
    .execute()
  await trx.deleteFrom('customer_attributes').where('store_id', '=', storeId).where('id', 'in', possible).execute()
  await recountCustomers(trx, storeId, 'attribute_count', holders.map((row) => row.customer_id))
}
