import type { Kysely } from 'kysely'
import { formatTimestamp, systemClock, type Clock } from '../../core/dates.js'
import { flag } from '../../db/codecs.js'
import { withNextIds } from '../../db/numbering.js'
import { isPossibleId } from '../../db/ids.js'
import { type Database } from '../../db/schema.js'
import { StoreAdminError, storeIdOf } from '../../stores/lookup.js'
import { optionsColumn, toDefinition, type FieldDefinition } from './fields.js'
import { FIELD_TYPES, FORMS, TYPES_WITH_OPTIONS, type FieldType, type Form } from './schemas.js'

// Form field definitions: BigCommerce keeps them in its control panel, Clientele in the admin API
// and the CLI (`clientele form-fields ...`). A field belongs to the account sign-up form
// (`customer`) or the address form (`address`); the API writes and reads its values by name.
// A definition does not change: delete it (which deletes its values) and create it again.

/** A definition as the admin API and the CLI show it: what the value rules read, and when it was made. */
export interface FormFieldDefinition extends FieldDefinition {
  date_created: string
}

export interface NewFormField {
  form: string
  name: string
  type: string
  options?: readonly string[]
  required?: boolean
}

/** What is wrong with a definition, in words for the CLI and the admin API's 422. */
function definitionProblem(input: NewFormField): string | undefined {
  if (!(FORMS as readonly string[]).includes(input.form)) return `form "${input.form}" must be one of: ${FORMS.join(', ')}`
  if (!(FIELD_TYPES as readonly string[]).includes(input.type)) return `type "${input.type}" must be one of: ${FIELD_TYPES.join(', ')}`
  if (input.name.trim() === '' || input.name.length > 255) return 'a form field name must be 1-255 characters'
  const options = input.options ?? []
  if (TYPES_WITH_OPTIONS.includes(input.type as FieldType)) {
    if (options.length === 0) return `a ${input.type} field needs at least one option`
    if (options.some((option) => option === '')) return 'an option must not be empty'
    if (new Set(options).size !== options.length) return 'options must differ from each other'
  } else if (options.length > 0) {
    return `a ${input.type} field takes no options (only ${TYPES_WITH_OPTIONS.join(', ')} do)`
  }
  return undefined
}

function toPublic(row: Parameters<typeof toDefinition>[0]): FormFieldDefinition {
  return { ...toDefinition(row), date_created: row.date_created }
}

export async function createFormField(db: Kysely<Database>, hash: string, input: NewFormField, clock: Clock = systemClock): Promise<FormFieldDefinition> {
  const problem = definitionProblem(input)
  if (problem) throw new StoreAdminError('invalid', problem)
  const store = await storeIdOf(db, hash)
  return db.transaction().execute(async (trx) => {
    // Numbering the row first takes the id counter's row lock: concurrent creates of one name
    // queue here, and the check below sees the other's field. A refused create rolls the id back.
    const [row] = await withNextIds(trx, store, 'form_fields', [{
      form: input.form,
      name: input.name,
      type: input.type,
      options: optionsColumn.encode(TYPES_WITH_OPTIONS.includes(input.type as FieldType) ? [...(input.options ?? [])] : null),
      required: flag.encode(input.required ?? false),
      date_created: formatTimestamp(clock()),
    }])
    const taken = await trx
      .selectFrom('form_fields')
      .select('id')
      .where('store_id', '=', store)
      .where('form', '=', input.form)
      .where('name', '=', input.name)
      .executeTakeFirst()
    if (taken) throw new StoreAdminError('conflict', `the ${input.form} form of store "${hash}" already has a field named "${input.name}"`)
    await trx.insertInto('form_fields').values(row!).execute()
    return toPublic(row!)
  })
}

export async function listFormFields(db: Kysely<Database>, hash: string): Promise<FormFieldDefinition[]> {
  const store = await storeIdOf(db, hash)
  const rows = await db.selectFrom('form_fields').selectAll().where('store_id', '=', store).orderBy('id').execute()
  return rows.map(toPublic)
}

/** Deletes a field and every value of it. */
export async function deleteFormField(db: Kysely<Database>, hash: string, id: number): Promise<void> {
  const store = await storeIdOf(db, hash)
  const missing = new StoreAdminError('not_found', `store "${hash}" has no form field ${id}`)
  if (!isPossibleId(id)) throw missing
  const result = await db.transaction().execute((trx) => trx.deleteFrom('form_fields').where('store_id', '=', store).where('id', '=', id).executeTakeFirst())
  if (Number(result.numDeletedRows) === 0) throw missing
}
