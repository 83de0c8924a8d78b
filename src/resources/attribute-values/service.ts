import type { Kysely } from 'kysely'
import { RuleError } from '../../core/errors.js'
import { fetchPage, readPageRequest, type CollectionMeta } from '../../core/pagination.js'
import { lockStore } from '../../db/locks.js'
import { recountCustomers } from '../../db/recount.js'
import { existingIds } from '../../db/existing.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'
import type { AttributeValue, AttributeValueUpsert, ListAttributeValuesQuery } from './schemas.js'
import { upsertValues } from './writes.js'

// GET, PUT (upsert) and DELETE /customers/attribute-values. The rules of a write are in writes.ts,
// shared with `attributes` of POST /customers.

export const UNKNOWN_CUSTOMER = 'is not the id of a customer of this store'

export function toAttributeValue(row: q.ValueRow): AttributeValue {
  return {
    id: row.id,
    customer_id: row.customer_id,
    attribute_id: row.attribute_id,
    attribute_value: row.value,
    date_created: row.date_created,
    date_modified: row.date_modified,
  }
}

export async function listAttributeValues(
  db: Kysely<Database>,
  storeId: number,
  query: ListAttributeValuesQuery,
  url: string,
): Promise<{ data: AttributeValue[]; meta: CollectionMeta }> {
  const page = await fetchPage({
    query: q.filteredValues(db, storeId, query),
    idColumn: 'v.id',
    request: readPageRequest(query, url),
    total: () => q.countValues(db, storeId, query),
    cursors: false,
  })
  return { data: page.rows.map(toAttributeValue), meta: page.meta }
}

/** Upserts 1-10 values, all or nothing; answers them in input order. */
export async function upsertAttributeValues(db: Kysely<Database>, now: Date, storeId: number, items: AttributeValueUpsert[]): Promise<AttributeValue[]> {
  const rows = await db.transaction().execute(async (trx) => {
    const known = await existingIds(trx, 'customers', storeId, items.map((item) => item.customer_id))
    items.forEach((item, i) => {
      if (!known.has(item.customer_id)) throw new RuleError(`${i}.customer_id`, UNKNOWN_CUSTOMER)
    })
    const writes = items.map((item, i) => ({
      customerId: item.customer_id,
      attributeId: item.attribute_id,
      value: item.value,
      ...(item.id === undefined ? {} : { id: item.id }),
      at: `${i}`,
      valueField: 'value' as const,
    }))
    return upsertValues(trx, now, storeId, writes)
  })
  return rows.map(toAttributeValue)
}

/** Deletes values; unknown ids are ignored. */
export async function deleteAttributeValues(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return
  await db.transaction().execute(async (trx) => {
    await lockStore(trx, storeId, 'attribute_values')
    const customers = await q.deleteValues(trx, storeId, ids)
    await recountCustomers(trx, storeId, 'attribute_count', customers)
  })
}
