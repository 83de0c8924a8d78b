import type { Kysely, Selectable, Updateable, Transaction } from 'kysely'
import type { CustomerSettingsTable, Database } from '../../db/schema.js'

export type SettingsRow = Selectable<CustomerSettingsTable>
export type SettingsColumns = Omit<Updateable<CustomerSettingsTable>, 'store_id' | 'channel_id'>

/** channel_id of the store-wide settings row */
export const STORE_WIDE = 0

export async function findSettings(db: Kysely<Database>, storeId: number, channelId: number): Promise<SettingsRow | undefined> {
  return db.selectFrom('customer_settings').selectAll().where('store_id', '=', storeId).where('channel_id', '=', channelId).executeTakeFirst()
}

/** Writes these columns of one settings row, creating it when the store or channel has none: one statement, so concurrent PUTs of different fields both land. */
export async function writeSettings(trx: Transaction<Database>, storeId: number, channelId: number, columns: SettingsColumns): Promise<void> {
  if (Object.keys(columns).length === 0) return
  await trx
    .insertInto('customer_settings')
    .values({ store_id: storeId, channel_id: channelId, ...columns })
    .onConflict((oc) => oc.columns(['store_id', 'channel_id']).doUpdateSet(columns))
    .execute()
}
