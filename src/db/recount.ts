import { sql, type Transaction } from 'kysely'
import type { Database } from './schema.js'

// Counts a customer row keeps of what hangs off it, so that a customer reads without a join:
// each is recounted from its rows, in the transaction that changed them.
const COUNTED = {
  address_count: 'customer_addresses',
  attribute_count: 'customer_attribute_values',
} as const

export type CustomerCount = keyof typeof COUNTED

/** Sets `count` of these customers to the number of rows they now have. */
export async function recountCustomers(trx: Transaction<Database>, storeId: number, count: CustomerCount, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return
  await trx
    .updateTable('customers')
    .set({
      [count]: sql<number>`(select count(*) from ${sql.table(COUNTED[count])} as owned
        where owned.store_id = ${storeId} and owned.customer_id = customers.id)`,
    })
    .where('store_id', '=', storeId)
    .where('id', 'in', [...new Set(customerIds)])
    .execute()
}
