import type { Transaction } from 'kysely'
import { lockStore } from '../../db/locks.js'
import { recordEvents } from '../../db/outbox.js'
import { recountCustomers } from '../../db/recount.js'
import type { Database } from '../../db/schema.js'
import { checkFormFields, saveFormFieldValues, type FormFieldInput, type PasswordHashes } from '../form-field-values/index.js'
import * as q from './queries.js'
import { addressEvent, fingerprint, normaliseAddress, type AddressFields } from './rules.js'
import type { NestedAddressCreate } from './schemas.js'

// Creating addresses, wherever they arrive: POST /customers/addresses and `addresses` of POST
// /customers. Every address is checked (and its form fields) before anything is written; one
// identical to an address its customer already has is not written (DECISIONS 11).

/** An address to create: its customer, its fields as sent, and its path in the request (`0`, `0.addresses.1`). */
export interface NewAddress {
  customerId: number
  input: NestedAddressCreate
  at: string
}

function withDefaults(input: NestedAddressCreate): AddressFields {
  return {
    first_name: input.first_name,
    last_name: input.last_name,
    company: input.company ?? '',
    address1: input.address1,
    address2: input.address2 ?? '',
    city: input.city,
    state_or_province: input.state_or_province ?? '',
    postal_code: input.postal_code ?? '',
    country_code: input.country_code,
    phone: input.phone ?? '',
    address_type: input.address_type ?? 'residential',
  }
}

export const nameKey = (fields: { first_name: string; last_name: string }) => `${fields.first_name} ${fields.last_name}`.toLowerCase()

export const formFieldValuesOf = (inputs: FormFieldInput[] | undefined, at: string) =>
  (inputs ?? []).map((input, j) => ({ input, at: `${at}.form_fields.${j}` }))

/**
 * Creates addresses of existing customers inside the caller's transaction (POST
 * /customers/addresses, and nested in POST /customers): checks them all, skips duplicates, writes
 * the rest with their form field values, recounts. Returns the created rows, in input order.
 */
export async function insertNewAddresses(
  trx: Transaction<Database>,
  now: Date,
  storeId: number,
  items: NewAddress[],
  hashes: PasswordHashes,
): Promise<q.AddressRow[]> {
  if (items.length === 0) return []
  const normalised = items.map((item) => normaliseAddress(withDefaults(item.input), item.at))
  const checked = await checkFormFields(
    trx, storeId, 'address',
    items.map((item) => ({ values: formFieldValuesOf(item.input.form_fields, item.at), requiredAt: `${item.at}.form_fields` })),
    hashes,
  )
  // This store's address writers take turns, so the duplicate check below sees every committed address.
  await lockStore(trx, storeId, 'addresses')
  const customerIds = items.map((item) => item.customerId)
  const taken = new Set((await q.addressesOfCustomers(trx, storeId, customerIds)).map((row) => `${row.customer_id}:${row.fingerprint}`))
  const fresh: number[] = []
  const rows: q.NewAddressRow[] = []
  normalised.forEach((fields, i) => {
    const print = fingerprint(fields)
    const key = `${items[i]!.customerId}:${print}`
    if (taken.has(key)) return
    taken.add(key)
    fresh.push(i)
    rows.push({ ...fields, customer_id: items[i]!.customerId, name_key: nameKey(fields), fingerprint: print })
  })
  const inserted = await q.insertAddresses(trx, storeId, rows)
  const created = fresh.flatMap((i, k) => (inserted[k] === undefined ? [] : [{ index: i, row: inserted[k]! }]))
  await saveFormFieldValues(trx, now, storeId, 'address', created.map(({ index, row }) => ({ ownerId: row.id, values: checked[index]! })))
  await recountCustomers(trx, storeId, 'address_count', customerIds)
  const rowsMade = created.map(({ row }) => row)
  await recordEvents(trx, storeId, rowsMade.map((row) => addressEvent('store/customer/address/created', row)))
  return rowsMade
}

