import type { Kysely, Selectable } from 'kysely'
import { isIsoDate } from '../../core/value-formats.js'
import { flag, json, nullableJson } from '../../db/codecs.js'
import type { Database, FormFieldTable } from '../../db/schema.js'
import type { FieldType, FieldValue, Form } from './schemas.js'

// A store's form field definitions as the value rules read them, and what shape a value of each
// type must have (docs/COMPATIBILITY.md "Form fields").

export interface FieldDefinition {
  id: number
  form: Form
  name: string
  type: FieldType
  /** picklist, radiobuttons, checkboxes: the choices; otherwise null */
  options: string[] | null
  required: boolean
}

/** A value's column: JSON of the value as sent, or of a password's hash. */
export const storedValue = json<FieldValue>()

/** picklist, radiobuttons and checkboxes keep their choices as a JSON list; the other types null. */
export const optionsColumn = nullableJson<string[]>()

export function toDefinition(row: Selectable<FormFieldTable>): FieldDefinition {
  return {
    id: row.id,
    form: row.form as Form,
    name: row.name,
    type: row.type as FieldType,
    options: optionsColumn.decode(row.options),
    required: flag.decode(row.required),
  }
}

/** Every field of one form of the store, by name (a store has a handful: one query). */
export async function fieldsOf(db: Kysely<Database>, storeId: number, form: Form): Promise<Map<string, FieldDefinition>> {
  const rows = await db.selectFrom('form_fields').selectAll().where('store_id', '=', storeId).where('form', '=', form).orderBy('id').execute()
  return new Map(rows.map((row) => [row.name, toDefinition(row)]))
}

const listed = (options: readonly string[]) => options.map((o) => JSON.stringify(o)).join(', ')

/** What is wrong with a value for this field, or undefined when it fits the field's type. */
export function valueProblem(field: FieldDefinition, value: FieldValue): string | undefined {
  const options = field.options ?? []
  switch (field.type) {
    case 'checkboxes': {
      if (!Array.isArray(value)) return `must be an array of this checkboxes field's options: ${listed(options)}`
      const unknown = value.find((v) => !options.includes(v))
      if (unknown !== undefined) return `holds ${JSON.stringify(unknown)}, which is not an option of this field: ${listed(options)}`
      return new Set(value).size === value.length ? undefined : 'must not hold the same option twice'
    }
    case 'numbers':
      return typeof value === 'number' ? undefined : 'must be a number for a numbers field'
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? undefined : 'must be an ISO 8601 date (2024-05-14) for a date field'
    case 'picklist':
    case 'radiobuttons':
      return typeof value === 'string' && options.includes(value) ? undefined : `must be one of this field's options: ${listed(options)}`
    default:
      return typeof value === 'string' ? undefined : `must be a string for a ${field.type} field`
  }
}

/**
 * The names of the store's password fields, of either form: the request inspector redacts the
 * values sent for them (a name that is a password on one form counts on both).
 */
export async function passwordFieldNames(db: Kysely<Database>, storeHash: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('form_fields as f')
    .innerJoin('stores as s', 's.id', 'f.store_id')
    .select('f.name')
    .where('s.hash', '=', storeHash)
    .where('f.type', '=', 'password')
    .execute()
  return new Set(rows.map((row) => row.name))
}
