import type { Kysely, Updateable } from 'kysely'
import { conflict, RuleError } from '../../core/errors.js'
import { fetchPage, readPageRequest, type CollectionMeta } from '../../core/pagination.js'
import { lockStore } from '../../db/locks.js'
import { recordEvents } from '../../db/outbox.js'
import { recountCustomers } from '../../db/recount.js'
import { isUniqueViolation } from '../../db/dialect.js'
import { existingIds } from '../../db/existing.js'
import { groupBy } from '../../db/rows.js'
import type { CustomerAddressTable, Database } from '../../db/schema.js'
import { checkFormFields, hashPasswords, saveFormFieldValues, toFormFieldValue, valuesOfAddresses, type AddressFormFieldValue } from '../form-field-values/index.js'
import { countryName } from './countries.js'
import * as q from './queries.js'
import { ADDRESS_PROBLEMS, addressEvent, fingerprint, normaliseAddress, type AddressFields } from './rules.js'
import type { Address, AddressCreate, AddressUpdate, ListAddressesQuery } from './schemas.js'
import { formFieldValuesOf, insertNewAddresses, nameKey } from './writes.js'

// The addresses rules: a batch is checked whole, then written in one transaction. An address
// identical to one its customer already has is not written and is left out of the answer
// (DECISIONS 11); `address_count` of every customer touched is recounted in the same transaction.

export function toAddress(row: q.AddressRow, formFields?: AddressFormFieldValue[]): Address {
  const address: Address = {
    address1: row.address1,
    address2: row.address2,
    address_type: row.address_type as Address['address_type'],
    city: row.city,
    company: row.company,
    country: countryName(row.country_code),
    country_code: row.country_code,
    customer_id: row.customer_id,
    first_name: row.first_name,
    id: row.id,
    last_name: row.last_name,
    phone: row.phone,
    postal_code: row.postal_code,
    state_or_province: row.state_or_province,
  }
  if (formFields) address.form_fields = formFields
  return address
}

/** Form field values of these addresses, by address id (one query). */
export async function addressFormFields(db: Kysely<Database>, storeId: number, addressIds: number[]): Promise<Map<number, AddressFormFieldValue[]>> {
  const rows = await valuesOfAddresses(db, storeId, addressIds)
  const grouped = groupBy(rows, (row) => row.address_id!)
  return new Map([...grouped].map(([id, values]) => [id, values.map((v) => toFormFieldValue(v) as AddressFormFieldValue)]))
}

export async function listAddresses(
  db: Kysely<Database>,
  storeId: number,
  query: ListAddressesQuery,
  url: string,
): Promise<{ data: Address[]; meta: CollectionMeta }> {
  const page = await fetchPage({
    query: q.filteredAddresses(db, storeId, query),
    idColumn: 'id',
    request: readPageRequest(query, url),
    total: () => q.countAddresses(db, storeId, query),
    cursors: false,
  })
  if (!query.include?.includes('formfields')) return { data: page.rows.map((row) => toAddress(row)), meta: page.meta }
  const formFields = await addressFormFields(db, storeId, page.rows.map((row) => row.id))
  return { data: page.rows.map((row) => toAddress(row, formFields.get(row.id) ?? [])), meta: page.meta }
}

export async function createAddresses(db: Kysely<Database>, now: Date, storeId: number, items: AddressCreate[]): Promise<Address[]> {
  const hashes = await hashPasswords(db, storeId, { address: items.flatMap((item) => item.form_fields ?? []) })
  const rows = await db.transaction().execute(async (trx) => {
    const known = await existingIds(trx, 'customers', storeId, items.map((item) => item.customer_id))
    items.forEach((item, i) => {
      if (!known.has(item.customer_id)) throw new RuleError(`${i}.customer_id`, ADDRESS_PROBLEMS.unknownCustomer)
    })
    return insertNewAddresses(trx, now, storeId, items.map((item, i) => ({ customerId: item.customer_id, input: item, at: `${i}` })), hashes)
  })
  return rows.map((row) => toAddress(row))
}

const EDITABLE = [
  'first_name', 'last_name', 'company', 'address1', 'address2', 'city', 'state_or_province', 'postal_code', 'country_code', 'phone',
  'address_type',
] as const

/** The address a partial update makes: each field as sent, else as stored. */
function merged(row: q.AddressRow, item: AddressUpdate): AddressFields {
  return Object.fromEntries(EDITABLE.map((key) => [key, item[key] ?? row[key]])) as unknown as AddressFields
}

/**
 * Partial updates by id. An item that would make its address identical to another address of the
 * same customer changes nothing and is left out of the answer (DECISIONS 11).
 */
export async function updateAddresses(db: Kysely<Database>, now: Date, storeId: number, items: AddressUpdate[]): Promise<Address[]> {
  const firstOf = new Map<number, number>()
  items.forEach((item, i) => {
    const first = firstOf.get(item.id)
    if (first !== undefined) throw new RuleError(`${i}.id`, ADDRESS_PROBLEMS.repeatedId(first))
    firstOf.set(item.id, i)
  })
  const hashes = await hashPasswords(db, storeId, { address: items.flatMap((item) => item.form_fields ?? []) })
  try {
    const rows = await db.transaction().execute(async (trx) => {
      await lockStore(trx, storeId, 'addresses')
      const current = new Map((await q.findAddresses(trx, storeId, items.map((item) => item.id))).map((row) => [row.id, row]))
      const normalised = items.map((item, i) => {
        const row = current.get(item.id)
        if (!row) throw new RuleError(`${i}.id`, ADDRESS_PROBLEMS.unknownAddress)
        return normaliseAddress(merged(row, item), `${i}`)
      })
      const checked = await checkFormFields(
        trx, storeId, 'address', items.map((item, i) => ({ values: formFieldValuesOf(item.form_fields, `${i}`) })), hashes,
      )
      const siblings = await q.addressesOfCustomers(trx, storeId, [...current.values()].map((row) => row.customer_id))
      const prints = new Map(siblings.map((row) => [row.id, { customer: row.customer_id, print: row.fingerprint }]))
      const updated: number[] = []
      for (const [i, item] of items.entries()) {
        const row = current.get(item.id)!
        const fields = normalised[i]!
        const print = fingerprint(fields)
        const twin = [...prints].some(([id, other]) => id !== row.id && other.customer === row.customer_id && other.print === print)
        if (twin) continue
        prints.set(row.id, { customer: row.customer_id, print })
        const changes: Updateable<CustomerAddressTable> = { ...fields, name_key: nameKey(fields), fingerprint: print }
        await q.updateAddress(trx, storeId, row.id, changes)
        updated.push(i)
      }
      await saveFormFieldValues(trx, now, storeId, 'address', updated.map((i) => ({ ownerId: items[i]!.id, values: checked[i]! })))
      const byId = new Map((await q.findAddresses(trx, storeId, updated.map((i) => items[i]!.id))).map((row) => [row.id, row]))
      const changed = updated.map((i) => byId.get(items[i]!.id)!)
      await recordEvents(trx, storeId, changed.map((row) => addressEvent('store/customer/address/updated', row)))
      return changed
    })
    return rows.map((row) => toAddress(row))
  } catch (error) {
    // Only a concurrent writer can make two addresses collide after the check above.
    if (isUniqueViolation(error)) throw conflict()
    throw error
  }
}

/** Deletes addresses (and their form field values); unknown ids are ignored. */
export async function deleteAddresses(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return
  await db.transaction().execute(async (trx) => {
    await lockStore(trx, storeId, 'addresses')
    const deleted = await q.deleteAddresses(trx, storeId, ids)
    await recountCustomers(trx, storeId, 'address_count', deleted.map((row) => row.customer_id))
    await recordEvents(trx, storeId, deleted.map((row) => addressEvent('store/customer/address/deleted', row)))
  })
}
