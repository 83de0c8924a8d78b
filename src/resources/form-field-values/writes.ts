import type { Kysely, Transaction } from 'kysely'
import { formatTimestamp } from '../../core/dates.js'
import { RuleError } from '../../core/errors.js'
import { hashPassword } from '../../core/passwords.js'
import type { Database } from '../../db/schema.js'
import { fieldsOf, storedValue, valueProblem, type FieldDefinition } from './fields.js'
import type { FieldValue, Form, FormFieldInput } from './schemas.js'

// Writing form field values, wherever they arrive: PUT /customers/form-field-values, and
// `form_fields` of customers (POST, PUT) and addresses (POST, PUT). First every value is checked
// against the store's fields (nothing written yet), then the checked values are upserted once
// their owner's id is known.

export const FORM_FIELD_PROBLEMS = {
  unknownField: (form: Form) => `is not a field of this store's ${form === 'customer' ? 'account sign-up' : 'address'} form`,
  repeated: (first: string) => `names the same field as ${first}`,
  missingRequired: (name: string) => `must include the required field ${JSON.stringify(name)}`,
} as const

/** One owner's values, each with the path it is reported at (`0.form_fields.1`). */
export interface FormFieldEntry {
  values: { input: FormFieldInput; at: string }[]
  /** set when the owner is being created: where a missing required field is reported (`0.form_fields`) */
  requiredAt?: string
}

export interface CheckedValue {
  field: FieldDefinition
  /** as given, for the response */
  value: FieldValue
  /** the column text: JSON of the value, or of a password's hash */
  stored: string
}

/** Hashes of password values, keyed by the value: made by hashPasswords, read by checkFormFields. */
export type PasswordHashes = ReadonlyMap<string, string>

/**
 * Hashes the values that the store's forms keep as passwords, before the write's transaction
 * opens: scrypt takes tens of milliseconds, and inside the transaction it would hold its
 * connection (on SQLite, the only one) as long. Only values their field accepts are hashed.
 */
export async function hashPasswords(
  db: Kysely<Database>,
  storeId: number,
  valuesByForm: Partial<Record<Form, readonly FormFieldInput[]>>,
): Promise<PasswordHashes> {
  const plain = new Set<string>()
  for (const [form, inputs] of Object.entries(valuesByForm) as [Form, readonly FormFieldInput[]][]) {
    if (inputs.length === 0) continue
    const fields = await fieldsOf(db, storeId, form)
    for (const { name, value } of inputs) {
      const field = fields.get(name)
      if (field?.type === 'password' && valueProblem(field, value) === undefined) plain.add(String(value))
    }
  }
  return new Map(await Promise.all([...plain].map(async (password) => [password, await hashPassword(password)] as const)))
}

/**
 * Checks each owner's values against the form's fields, read in the write's transaction; returns
 * them ready to store, per entry, password values as the hashes made before it opened.
 */
export async function checkFormFields(
  trx: Transaction<Database>,
  storeId: number,
  form: Form,
  entries: FormFieldEntry[],
  hashes: PasswordHashes,
): Promise<CheckedValue[][]> {
  if (!entries.some((entry) => entry.values.length > 0 || entry.requiredAt !== undefined)) return entries.map(() => [])
  const fields = await fieldsOf(trx, storeId, form)
  const checked = entries.map((entry) => {
    const seen = new Map<string, string>()
    const values = entry.values.map(({ input, at }) => {
      const field = fields.get(input.name)
      if (!field) throw new RuleError(`${at}.name`, FORM_FIELD_PROBLEMS.unknownField(form))
      const first = seen.get(input.name)
      if (first !== undefined) throw new RuleError(`${at}.name`, FORM_FIELD_PROBLEMS.repeated(first))
      seen.set(input.name, at)
      const problem = valueProblem(field, input.value)
      if (problem) throw new RuleError(`${at}.value`, problem)
      return { field, value: input.value }
    })
    if (entry.requiredAt !== undefined) {
      const missing = [...fields.values()].find((field) => field.required && !seen.has(field.name))
      if (missing) throw new RuleError(entry.requiredAt, FORM_FIELD_PROBLEMS.missingRequired(missing.name))
    }
    return values
  })
  return Promise.all(
    checked.map((values) =>
      Promise.all(
        values.map(async ({ field, value }) => ({
          field,
          value,
          // Hashed here only for a field that became a password field since hashPasswords read
          // the fields (deleted and made again meanwhile): correct, if slower.
          stored: storedValue.encode(field.type === 'password' ? (hashes.get(String(value)) ?? (await hashPassword(String(value)))) : value),
        })),
      ),
    ),
  )
}

/** Upserts checked values of customers or of addresses: one value per owner and field. */
export async function saveFormFieldValues(
  trx: Transaction<Database>,
  now: Date,
  storeId: number,
  owner: Form,
  values: { ownerId: number; values: CheckedValue[] }[],
): Promise<void> {
  const stamp = formatTimestamp(now)
  const rows = values.flatMap(({ ownerId, values: checked }) =>
    checked.map((value) => ({
      store_id: storeId,
      field_id: value.field.id,
      customer_id: owner === 'customer' ? ownerId : null,
      address_id: owner === 'address' ? ownerId : null,
      value: value.stored,
      date_modified: stamp,
    })),
  )
  if (rows.length === 0) return
  const ownerColumn = owner === 'customer' ? 'customer_id' : 'address_id'
  await trx
    .insertInto('form_field_values')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['store_id', ownerColumn, 'field_id']).doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        date_modified: eb.ref('excluded.date_modified'),
      })),
    )
    .execute()
}
