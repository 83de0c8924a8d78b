import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { isPossibleId } from '../../db/ids.js'

/** The customer's stored consent: undefined when there is no such customer, null lists when it never set any. */
export async function findConsent(db: Kysely<Database>, storeId: number, customerId: number) {
  if (!isPossibleId(customerId)) return undefined
  return db
    .selectFrom('customers')
    .leftJoin('customer_consents', (join) =>
      join.onRef('customer_consents.store_id', '=', 'customers.store_id').onRef('customer_consents.customer_id', '=', 'customers.id'),
    )
    .select(['customer_consents.allow', 'customer_consents.deny'])
    .where('customers.store_id', '=', storeId)
    .where('customers.id', '=', customerId)
    .executeTakeFirst()
}

/**
 * Stores a customer's consent (JSON lists) when the customer exists, in one statement: no
 * customer deleted between a check and the write can be written for. Answers whether it existed.
 */
export async function writeConsent(trx: Transaction<Database>, storeId: number, customerId: number, allow: string, deny: string): Promise<boolean> {
  if (!isPossibleId(customerId)) return false
  const result = await trx
    .insertInto('customer_consents')
    .columns(['store_id', 'customer_id', 'allow', 'deny'])
    .expression(
      trx
        .selectFrom('customers')
        .select((eb) => ['store_id', 'id', eb.val(allow).as('allow'), eb.val(deny).as('deny')])
        .where('store_id', '=', storeId)
        .where('id', '=', customerId),
    )
    .onConflict((oc) => oc.columns(['store_id', 'customer_id']).doUpdateSet({ allow, deny }))
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}
