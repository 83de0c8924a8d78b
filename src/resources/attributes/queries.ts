import { sql, type Insertable, type Kysely, type Selectable } from 'kysely'
import { applyFilters } from '../../core/filters.js'
import { reserveIds } from '../../db/counters.js'
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

export async function insertAttributes(db: Kysely<Database>, storeId: number, rows: NewAttributeRow[]): Promise<number[]> {
  const first = await reserveIds(db, storeId, 'attributes.last_id', rows.length)
  const ids = rows.map((_, i) => first + i)
  await db
    .insertInto('customer_attributes')
    .values(rows.map((row, i) => ({ ...row, store_id: storeId, id: ids[i]! })))
    .execute()
  return ids
}

export async function renameAttribute(db: Kysely<Database>, storeId: number, id: number, name: string, stamp: string): Promise<void> {
  await db
    .updateTable('customer_attributes')
    .set({ name, name_key: name.toLowerCase(), date_modified: stamp })
    .where('store_id', '=', storeId)
    .where('id', '=', id)
    .execute()
}

/**
 * Deletes attributes with every customer's values of them (the values cascade). `attribute_count`
 * of those customers first drops by the values they are about to lose.
 */
export async function deleteAttributes(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<void> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return
  await db
    .updateTable('customers')
    .set((eb) => ({
      attribute_count: eb(
        'attribute_count',
        '-',
        eb
          .selectFrom('customer_attribute_values as v')
          .select(sql<number>`count(*)`.as('n'))
          .where('v.store_id', '=', storeId)
          .where('v.attribute_id', 'in', possible)
          .whereRef('v.customer_id', '=', 'customers.id'),
      ),
    }))
    .where('store_id', '=', storeId)
    .where('id', 'in', (eb) =>
      eb.selectFrom('customer_attribute_values').select('customer_id').where('store_id', '=', storeId).where('attribute_id', 'in', possible),
    )
    .execute()
  await db.deleteFrom('customer_attributes').where('store_id', '=', storeId).where('id', 'in', possible).execute()
}
