import type { Kysely, Transaction } from 'kysely'
import { RuleError } from '../../core/errors.js'
import type { Database } from '../../db/schema.js'
import { insertNewAddresses } from '../addresses/index.js'
import { upsertValues } from '../attribute-values/index.js'
import { checkFormFields, hashPasswords, saveFormFieldValues, type FormFieldEntry, type PasswordHashes } from '../form-field-values/index.js'
import type { CustomerCreate, CustomerUpdate } from './schemas.js'

// Sub-resources sent inside customers, under the rules of their own resources, in the customer's
// transaction: POST /customers takes `addresses`, `attributes` and `form_fields`; PUT /customers
// takes `form_fields` only (addresses and attribute values have routes of their own, as the spec
// says). Problems are reported on the nested path (`0.addresses.1.city`) with the customers
// titles (DECISIONS 2).

export const NESTED_PROBLEMS = {
  notOnUpdate: (key: 'addresses' | 'attributes') =>
    key === 'addresses'
      ? 'cannot be changed through PUT /customers: use /customers/addresses'
      : 'cannot be changed through PUT /customers: use /customers/attribute-values',
} as const

/** The hashes of the nested form fields' password values, made before the customers' transaction opens. */
export function nestedPasswordHashes(db: Kysely<Database>, storeId: number, items: (CustomerCreate | CustomerUpdate)[]): Promise<PasswordHashes> {
  return hashPasswords(db, storeId, {
    customer: items.flatMap((item) => item.form_fields ?? []),
    // PUT refuses nested addresses (refuseNestedOnUpdate); only a POST's are written.
    address: items.flatMap((item) => ((item as CustomerCreate).addresses ?? []).flatMap((address) => address.form_fields ?? [])),
  })
}

/** Writes the nested sub-resources of created customers, once their ids are known. */
export async function writeNestedOnCreate(
  trx: Transaction<Database>,
  now: Date,
  storeId: number,
  items: CustomerCreate[],
  ids: number[],
  hashes: PasswordHashes,
): Promise<void> {
  // Customer form fields first (a required one missing fails before any other check), then
  // addresses with theirs, then attribute values: the order their rows and ids are made in.
  const formFields = await checkFormFields(
    trx, storeId, 'customer',
    items.map((item, i) => ({
      values: (item.form_fields ?? []).map((input, j) => ({ input, at: `${i}.form_fields.${j}` })),
      requiredAt: `${i}.form_fields`,
    })),
    hashes,
  )
  await saveFormFieldValues(trx, now, storeId, 'customer', ids.map((ownerId, i) => ({ ownerId, values: formFields[i]! })))
  await insertNewAddresses(
    trx, now, storeId,
    items.flatMap((item, i) => (item.addresses ?? []).map((input, j) => ({ customerId: ids[i]!, input, at: `${i}.addresses.${j}` }))),
    hashes,
  )
  await upsertValues(
    trx, now, storeId,
    items.flatMap((item, i) =>
      (item.attributes ?? []).map((attribute, j) => ({
        customerId: ids[i]!,
        attributeId: attribute.attribute_id,
        value: attribute.attribute_value,
        at: `${i}.attributes.${j}`,
        valueField: 'attribute_value' as const,
      })),
    ),
  )
}

/** PUT /customers refuses nested addresses and attributes: dropping them silently would lose data. */
export function refuseNestedOnUpdate(items: CustomerUpdate[]): void {
  items.forEach((item, i) => {
    for (const key of ['addresses', 'attributes'] as const) {
      if ((item[key]?.length ?? 0) > 0) throw new RuleError(`${i}.${key}`, NESTED_PROBLEMS.notOnUpdate(key))
    }
  })
}

/** Upserts the `form_fields` of updated customers (all of which exist; one may appear twice in a batch). */
export async function writeNestedOnUpdate(
  trx: Transaction<Database>,
  now: Date,
  storeId: number,
  items: CustomerUpdate[],
  hashes: PasswordHashes,
): Promise<void> {
  const byCustomer = new Map<number, FormFieldEntry>()
  items.forEach((item, i) => {
    const entry = byCustomer.get(item.id) ?? { values: [] }
    entry.values.push(...(item.form_fields ?? []).map((input, j) => ({ input, at: `${i}.form_fields.${j}` })))
    byCustomer.set(item.id, entry)
  })
  const owners = [...byCustomer]
  const checked = await checkFormFields(trx, storeId, 'customer', owners.map(([, entry]) => entry), hashes)
  await saveFormFieldValues(trx, now, storeId, 'customer', owners.map(([ownerId], i) => ({ ownerId, values: checked[i]! })))
}
