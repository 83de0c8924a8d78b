import type { Kysely } from 'kysely'
import { RuleError } from '../../core/errors.js'
import { fetchPage, readPageRequest, type CollectionMeta } from '../../core/pagination.js'
import { existingIds } from '../../db/existing.js'
import { groupBy } from '../../db/rows.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'
import {
  FORM_FIELD_VALUE_FILTERS,
  type Form,
  type FormFieldValue,
  type FormFieldValueUpsert,
  type ListFormFieldValuesQuery,
} from './schemas.js'
import { checkFormFields, hashPasswords, saveFormFieldValues, type FormFieldEntry } from './writes.js'

// GET and PUT /customers/form-field-values: values of the store's customer and address form
// fields. The PUT is an upsert per (owner, field) and all-or-nothing.

export const FORM_FIELD_VALUE_PROBLEMS = {
  oneOwner: 'must have either customer_id or address_id, not both',
  unknownCustomer: 'is not the id of a customer of this store',
  unknownAddress: 'is not the id of an address of this store',
} as const

export async function listFormFieldValues(
  db: Kysely<Database>,
  storeId: number,
  query: ListFormFieldValuesQuery,
  url: string,
): Promise<{ data: FormFieldValue[]; meta: CollectionMeta }> {
  const page = await fetchPage({
    query: q.filteredValues(db, storeId, FORM_FIELD_VALUE_FILTERS, query),
    idColumn: 'v.id',
    request: readPageRequest(query, url),
    total: () => q.countFilteredValues(db, storeId, FORM_FIELD_VALUE_FILTERS, query),
    cursors: true,
  })
  return { data: page.rows.map(q.toFormFieldValue), meta: page.meta }
}

interface Owned {
  form: Form
  ownerId: number
  item: FormFieldValueUpsert
  index: number
}

function ownerOf(item: FormFieldValueUpsert, index: number): Owned {
  const both = item.customer_id !== undefined && item.address_id !== undefined
  if (both || (item.customer_id === undefined && item.address_id === undefined)) {
    throw new RuleError(`${index}`, FORM_FIELD_VALUE_PROBLEMS.oneOwner)
  }
  return item.customer_id !== undefined
    ? { form: 'customer', ownerId: item.customer_id, item, index }
    : { form: 'address', ownerId: item.address_id!, item, index }
}

/** Checks that every owner exists in the store; a missing one is a 422 on its item's id. */
async function checkOwners(db: Kysely<Database>, storeId: number, owned: Owned[]): Promise<void> {
  const ids = (form: Form) => owned.filter((o) => o.form === form).map((o) => o.ownerId)
  const [customer, address] = await Promise.all([existingIds(db, 'customers', storeId, ids('customer')), existingIds(db, 'customer_addresses', storeId, ids('address'))])
  const known = { customer, address }
  for (const o of owned) {
    if (known[o.form].has(o.ownerId)) continue
    throw o.form === 'customer'
      ? new RuleError(`${o.index}.customer_id`, FORM_FIELD_VALUE_PROBLEMS.unknownCustomer)
      : new RuleError(`${o.index}.address_id`, FORM_FIELD_VALUE_PROBLEMS.unknownAddress)
  }
}

/** Upserts values; returns them as stored, in input order, password values left out (never returned). */
export async function upsertFormFieldValues(
  db: Kysely<Database>,
  now: Date,
  storeId: number,
  items: FormFieldValueUpsert[],
): Promise<FormFieldValue[]> {
  const owned = items.map(ownerOf)
  const passwords = new Set<number>()
  const inputs = (form: Form) => owned.filter((o) => o.form === form).map((o) => ({ name: o.item.name, value: o.item.value }))
  const hashes = await hashPasswords(db, storeId, { customer: inputs('customer'), address: inputs('address') })
  await db.transaction().execute(async (trx) => {
    await checkOwners(trx, storeId, owned)
    for (const form of ['customer', 'address'] as const) {
      const owners = [...groupBy(owned.filter((o) => o.form === form), (o) => o.ownerId).entries()]
      const entries: FormFieldEntry[] = owners.map(([, group]) => ({
        values: group.map((o) => ({ input: { name: o.item.name, value: o.item.value }, at: `${o.index}` })),
      }))
      const checked = await checkFormFields(trx, storeId, form, entries, hashes)
      owners.forEach(([, group], i) =>
        group.forEach((o, j) => {
          if (checked[i]![j]!.field.type === 'password') passwords.add(o.index)
        }),
      )
      await saveFormFieldValues(trx, now, storeId, form, owners.map(([ownerId], i) => ({ ownerId, values: checked[i]! })))
    }
  })
  return owned
    .filter((o) => !passwords.has(o.index))
    .map((o) =>
      o.form === 'customer'
        ? { customer_id: o.ownerId, name: o.item.name, value: o.item.value }
        : { address_id: o.ownerId, name: o.item.name, value: o.item.value },
    )
}
