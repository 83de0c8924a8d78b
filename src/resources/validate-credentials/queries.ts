import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'

/** The store's customers of one lower-cased email (several when their channels are disjoint), with what a login checks. */
export async function loginCandidates(db: Kysely<Database>, storeId: number, emailKey: string) {
  return db
    .selectFrom('customers')
    .select(['id', 'channel_ids', 'password_hash'])
    .where('store_id', '=', storeId)
    .where('email_key', '=', emailKey)
    .orderBy('id')
    .execute()
}
