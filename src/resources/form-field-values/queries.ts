import type { Kysely } from 'kysely'
import { applyFilters, type FilterFields } from '../../core/filters.js'
import type { Database } from '../../db/schema.js'
import { storedValue } from './fields.js'
import type { AddressFormFieldValue, CustomerFormFieldValue, FormFieldValue } from './schemas.js'

// Reading form field values with their field's name. Password values are stored hashed and
// never leave the database: every read leaves them out.

export interface ValueRow {
  id: number
  customer_id: number | null
  address_id: number | null
  name: string
  value: string
}

/** Values of the store with their field, passwords left out; filter and order it further. */
export function readableValues(db: Kysely<Database>, storeId: number) {
  return db
    .selectFrom('form_field_values as v')
    .innerJoin('form_fields as f', (join) => join.onRef('f.store_id', '=', 'v.store_id').onRef('f.id', '=', 'v.field_id'))
    .select(['v.id', 'v.customer_id', 'v.address_id', 'f.name', 'v.value'])
    .where('v.store_id', '=', storeId)
    .where('f.type', '<>', 'password')
}

export function filteredValues(db: Kysely<Database>, storeId: number, filters: FilterFields, query: Record<string, unknown>) {
  return applyFilters(readableValues(db, storeId), filters, query)
}

export async function countFilteredValues(db: Kysely<Database>, storeId: number, filters: FilterFields, query: Record<string, unknown>) {
  const base = db
    .selectFrom('form_field_values as v')
    .innerJoin('form_fields as f', (join) => join.onRef('f.store_id', '=', 'v.store_id').onRef('f.id', '=', 'v.field_id'))
    .where('v.store_id', '=', storeId)
    .where('f.type', '<>', 'password')
  const row = await applyFilters(base, filters, query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The values of these customers (one query, whatever their number). */
export function valuesOfCustomers(db: Kysely<Database>, storeId: number, customerIds: readonly number[]): Promise<ValueRow[]> {
  if (customerIds.length === 0) return Promise.resolve([])
  return readableValues(db, storeId).where('v.customer_id', 'in', [...customerIds]).orderBy('v.id').execute()
}

/** The values of these addresses (one query). */
export function valuesOfAddresses(db: Kysely<Database>, storeId: number, addressIds: readonly number[]): Promise<ValueRow[]> {
  if (addressIds.length === 0) return Promise.resolve([])
  return readableValues(db, storeId).where('v.address_id', 'in', [...addressIds]).orderBy('v.id').execute()
}

/** The values of every address of these customers (one query, the addresses found by a subquery). */
export function valuesOfCustomersAddresses(db: Kysely<Database>, storeId: number, customerIds: readonly number[]): Promise<ValueRow[]> {
  if (customerIds.length === 0) return Promise.resolve([])
  return readableValues(db, storeId)
    .where('v.address_id', 'in', (eb) =>
      eb.selectFrom('customer_addresses').select('id').where('store_id', '=', storeId).where('customer_id', 'in', [...customerIds]),
    )
    .orderBy('v.id')
    .execute()
}

export function toFormFieldValue(row: ValueRow): FormFieldValue {
  const value = storedValue.decode(row.value)
  return row.customer_id !== null
    ? ({ customer_id: row.customer_id, name: row.name, value } satisfies CustomerFormFieldValue)
    : ({ address_id: row.address_id!, name: row.name, value } satisfies AddressFormFieldValue)
}
