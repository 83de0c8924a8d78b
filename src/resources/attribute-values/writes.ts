import type { Transaction } from 'kysely'
import { formatTimestamp } from '../../core/dates.js'
import { RuleError } from '../../core/errors.js'
import { isDecimalNumber, isIsoDateOrDateTime } from '../../core/value-formats.js'
import { lockStore } from '../../db/locks.js'
import { recountCustomers } from '../../db/recount.js'
import type { Database } from '../../db/schema.js'
import { attributesOf, type AttributeRow } from '../attributes/index.js'
import * as q from './queries.js'

// Writing attribute values, wherever they arrive: PUT /customers/attribute-values (seed 004) and
// `attributes` of POST /customers. An upsert: a value is matched on its id when given, else on
// (customer, attribute), one value per pair. Every item is checked before anything is written;
// `attribute_count` of the customers touched is recounted in the same transaction.

export const ATTRIBUTE_VALUE_PROBLEMS = {
  unknownAttribute: 'is not the id of a customer attribute of this store',
  unknownValue: 'is not the id of an attribute value of this store',
  otherPair: (customerId: number, attributeId: number) =>
    `is the id of customer ${customerId}'s value of attribute ${attributeId}, not of this item's customer and attribute`,
  repeatedPair: (first: string) => `names the same customer and attribute as ${first}`,
  notANumber: (attributeId: number) => `must be a decimal number (attribute ${attributeId} is of type number)`,
  notADate: (attributeId: number) => `must be an ISO 8601 date or date-time (attribute ${attributeId} is of type date)`,
} as const

/** One value to write, with the paths its fields are reported at. */
export interface ValueWrite {
  customerId: number
  attributeId: number
  value: string
  /** the value's own id, when the request targets it */
  id?: number
  /** the item's path (`0`, `0.attributes.1`) */
  at: string
  /** the name the request gives the value (`value` on PUT, `attribute_value` nested in a customer) */
  valueField: 'value' | 'attribute_value'
}

/** What is wrong with a value for this attribute's type; empty text is no value, and fits every type. */
function typeProblem(attribute: AttributeRow, value: string): string | undefined {
  if (value === '') return undefined
  if (attribute.type === 'number' && !isDecimalNumber(value)) return ATTRIBUTE_VALUE_PROBLEMS.notANumber(attribute.id)
  if (attribute.type === 'date' && !isIsoDateOrDateTime(value)) return ATTRIBUTE_VALUE_PROBLEMS.notADate(attribute.id)
  return undefined
}

/** Upserts values inside the caller's transaction; returns the rows written, in input order. */
export async function upsertValues(
  trx: Transaction<Database>,
  now: Date,
  storeId: number,
  writes: ValueWrite[],
): Promise<q.ValueRow[]> {
  if (writes.length === 0) return []
  // This store's value writers take turns, so two upserts of one (customer, attribute) never both insert.
  await lockStore(trx, storeId, 'attribute_values')
  const attributes = new Map((await attributesOf(trx, storeId)).map((row) => [row.id, row]))
  const firstOf = new Map<string, string>()
  for (const write of writes) {
    const attribute = attributes.get(write.attributeId)
    if (!attribute) throw new RuleError(`${write.at}.attribute_id`, ATTRIBUTE_VALUE_PROBLEMS.unknownAttribute)
    const problem = typeProblem(attribute, write.value)
    if (problem) throw new RuleError(`${write.at}.${write.valueField}`, problem)
    const pair = `${write.customerId}:${write.attributeId}`
    const first = firstOf.get(pair)
    if (first !== undefined) throw new RuleError(`${write.at}.attribute_id`, ATTRIBUTE_VALUE_PROBLEMS.repeatedPair(first))
    firstOf.set(pair, write.at)
  }

  const targeted = new Map((await q.findValues(trx, storeId, writes.flatMap((w) => (w.id === undefined ? [] : [w.id])))).map((row) => [row.id, row]))
  for (const write of writes) {
    if (write.id === undefined) continue
    const row = targeted.get(write.id)
    if (!row) throw new RuleError(`${write.at}.id`, ATTRIBUTE_VALUE_PROBLEMS.unknownValue)
    if (row.customer_id !== write.customerId || row.attribute_id !== write.attributeId) {
      throw new RuleError(`${write.at}.id`, ATTRIBUTE_VALUE_PROBLEMS.otherPair(row.customer_id, row.attribute_id))
    }
  }

  const customerIds = writes.map((w) => w.customerId)
  const existing = new Map((await q.valuesOfCustomers(trx, storeId, customerIds)).map((row) => [`${row.customer_id}:${row.attribute_id}`, row]))
  const stamp = formatTimestamp(now)
  const ids: (number | undefined)[] = []
  for (const write of writes) {
    const row = existing.get(`${write.customerId}:${write.attributeId}`)
    if (row) await q.setValue(trx, storeId, row.id, write.value, stamp)
    ids.push(row?.id)
  }
  const fresh = writes.filter((_, i) => ids[i] === undefined)
  const inserted = await q.insertValues(
    trx,
    storeId,
    fresh.map((w) => ({ customer_id: w.customerId, attribute_id: w.attributeId, value: w.value, date_created: stamp, date_modified: stamp })),
  )
  let next = 0
  const allIds = ids.map((id) => id ?? inserted[next++]!)
  await recountCustomers(trx, storeId, 'attribute_count', customerIds)
  const byId = new Map((await q.findValues(trx, storeId, allIds)).map((row) => [row.id, row]))
  return allIds.map((id) => byId.get(id)!)
}
