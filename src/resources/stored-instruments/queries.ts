import type { Insertable, Kysely, Selectable, Transaction } from 'kysely'
import { type Database, type StoredInstrumentTable } from '../../db/schema.js'
import { isPossibleId } from '../../db/ids.js'

export type InstrumentRow = Selectable<StoredInstrumentTable>

export async function customerExists(db: Kysely<Database>, storeId: number, customerId: number): Promise<boolean> {
  if (!isPossibleId(customerId)) return false
  const row = await db.selectFrom('customers').select('id').where('store_id', '=', storeId).where('id', '=', customerId).executeTakeFirst()
  return row !== undefined
}

/** A customer's instruments, oldest first. */
export async function instrumentsOf(db: Kysely<Database>, storeId: number, customerId: number): Promise<InstrumentRow[]> {
  if (!isPossibleId(customerId)) return []
  return db
    .selectFrom('stored_instruments')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

export async function clearDefault(trx: Transaction<Database>, storeId: number, customerId: number): Promise<void> {
  await trx
    .updateTable('stored_instruments')
    .set({ is_default: 0 })
    .where('store_id', '=', storeId)
    .where('customer_id', '=', customerId)
    .where('is_default', '=', 1)
    .execute()
}

export async function insertInstrument(trx: Transaction<Database>, row: Insertable<StoredInstrumentTable>): Promise<void> {
  await trx.insertInto('stored_instruments').values(row).execute()
}

/** Deletes one instrument; returns it as it was (was it the default?), or undefined when there was none. */
export async function deleteInstrument(trx: Transaction<Database>, storeId: number, customerId: number, token: string): Promise<{ is_default: number } | undefined> {
  if (!isPossibleId(customerId)) return undefined
  return trx
    .deleteFrom('stored_instruments')
    .where('store_id', '=', storeId)
    .where('customer_id', '=', customerId)
    .where('token', '=', token)
    .returning('is_default')
    .executeTakeFirst()
}
