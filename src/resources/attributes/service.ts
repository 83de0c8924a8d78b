import type { Kysely } from 'kysely'
import { formatTimestamp } from '../../core/dates.js'
import { RuleError } from '../../core/errors.js'
import { fetchPage, readPageRequest, type CollectionMeta } from '../../core/pagination.js'
import { lockStore } from '../../db/locks.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'
import { MAX_ATTRIBUTES, type Attribute, type AttributeCreate, type AttributeType, type AttributeUpdate, type ListAttributesQuery } from './schemas.js'

// The attributes rules: names are unique in the store (case-insensitively), a store holds at most
// 50, a type is fixed at creation, and deleting an attribute deletes every customer's values of
// it. Batches are checked whole, then written in one transaction.

export const ATTRIBUTE_PROBLEMS = {
  nameTaken: 'is already the name of an attribute of this store',
  nameRepeated: (first: number) => `is the name of item ${first} too`,
  limitReached: `would make more than ${MAX_ATTRIBUTES} customer attributes in this store`,
  unknownAttribute: 'is not the id of a customer attribute of this store',
  repeatedId: (first: number) => `repeats the attribute of item ${first}`,
  typeFixed: (type: string) => `cannot change (it is ${type}): delete the attribute and create it again, which deletes its values`,
} as const

export function toAttribute(row: q.AttributeRow): Attribute {
  return {
    id: row.id,
    name: row.name,
    type: row.type as AttributeType,
    date_created: row.date_created,
    date_modified: row.date_modified,
  }
}

export async function listAttributes(
  db: Kysely<Database>,
  storeId: number,
  query: ListAttributesQuery,
  url: string,
): Promise<{ data: Attribute[]; meta: CollectionMeta }> {
  const page = await fetchPage({
    query: q.filteredAttributes(db, storeId, query),
    idColumn: 'id',
    request: readPageRequest(query, url),
    total: () => q.countAttributes(db, storeId, query),
    cursors: false,
  })
  return { data: page.rows.map(toAttribute), meta: page.meta }
}

/** The first item (by index) whose name, compared lower-cased, an earlier item of the batch already has. */
function checkNamesOfBatch(names: string[]): void {
  const firstOf = new Map<string, number>()
  names.forEach((name, i) => {
    const first = firstOf.get(q.attributeNameKey(name))
    if (first !== undefined) throw new RuleError(`${i}.name`, ATTRIBUTE_PROBLEMS.nameRepeated(first))
    firstOf.set(q.attributeNameKey(name), i)
  })
}

export async function createAttributes(db: Kysely<Database>, now: Date, storeId: number, items: AttributeCreate[]): Promise<Attribute[]> {
  checkNamesOfBatch(items.map((item) => item.name))
  const stamp = formatTimestamp(now)
  const rows = await db.transaction().execute(async (trx) => {
    // This store's attribute writers take turns: the limit and the name checks below see every
    // committed attribute.
    await lockStore(trx, storeId, 'attributes')
    const existing = await q.attributesOf(trx, storeId)
    const taken = new Set(existing.map((row) => row.name_key))
    items.forEach((item, i) => {
      if (taken.has(q.attributeNameKey(item.name))) throw new RuleError(`${i}.name`, ATTRIBUTE_PROBLEMS.nameTaken)
      if (existing.length + i + 1 > MAX_ATTRIBUTES) throw new RuleError(`${i}`, ATTRIBUTE_PROBLEMS.limitReached)
    })
    const ids = await q.insertAttributes(
      trx,
      storeId,
      items.map((item) => ({ name: item.name, name_key: q.attributeNameKey(item.name), type: item.type, date_created: stamp, date_modified: stamp })),
    )
    const created = new Set(ids)
    return (await q.attributesOf(trx, storeId)).filter((row) => created.has(row.id))
  })
  return rows.map(toAttribute)
}

/** Renames attributes; the type may be sent only unchanged. */
export async function updateAttributes(db: Kysely<Database>, now: Date, storeId: number, items: AttributeUpdate[]): Promise<Attribute[]> {
  const firstOf = new Map<number, number>()
  items.forEach((item, i) => {
    const first = firstOf.get(item.id)
    if (first !== undefined) throw new RuleError(`${i}.id`, ATTRIBUTE_PROBLEMS.repeatedId(first))
    firstOf.set(item.id, i)
  })
  checkNamesOfBatch(items.map((item) => item.name))
  const stamp = formatTimestamp(now)
  const rows = await db.transaction().execute(async (trx) => {
    await lockStore(trx, storeId, 'attributes')
    const existing = await q.attributesOf(trx, storeId)
    const byId = new Map(existing.map((row) => [row.id, row]))
    // A name is free only if no other attribute has it now: names are not swapped within a batch,
    // whose renames run one after the other under the unique index.
    const holder = new Map(existing.map((row) => [row.name_key, row.id]))
    items.forEach((item, i) => {
      const row = byId.get(item.id)
      if (!row) throw new RuleError(`${i}.id`, ATTRIBUTE_PROBLEMS.unknownAttribute)
      if (item.type !== undefined && item.type !== row.type) throw new RuleError(`${i}.type`, ATTRIBUTE_PROBLEMS.typeFixed(row.type))
      const owner = holder.get(q.attributeNameKey(item.name))
      if (owner !== undefined && owner !== item.id) throw new RuleError(`${i}.name`, ATTRIBUTE_PROBLEMS.nameTaken)
    })
    for (const item of items) await q.renameAttribute(trx, storeId, item.id, item.name, stamp)
    const after = new Map((await q.attributesOf(trx, storeId)).map((row) => [row.id, row]))
    return items.map((item) => after.get(item.id)!)
  })
  return rows.map(toAttribute)
}

/** Deletes attributes and every customer's values of them; unknown ids are ignored. */
export async function deleteAttributes(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return
  await db.transaction().execute(async (trx) => {
    // Queue behind value writers (their lock, writes.ts): both change values and then counts.
    await lockStore(trx, storeId, 'attribute_values')
    await q.deleteAttributes(trx, storeId, ids)
  })
}
