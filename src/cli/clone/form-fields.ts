import type { Row } from '../../stores/dump/format.js'
import { optionsColumn, storedValue } from '../../resources/form-field-values/fields.js'
import { TYPES_WITH_OPTIONS, type FieldType, type FieldValue, type Form } from '../../resources/form-field-values/schemas.js'

// Form field definitions live in BigCommerce's control panel; the API shows values only, each
// `{customer_id | address_id, name, value}`. A clone makes a definition for every field a value
// names (docs/CLONE.md "What is not copied"): its form from the value's owner, its type from the
// value's shape (an array: checkboxes; a number: numbers) or, for text values, from the lists
// filtered by `field_type`; its options, for the types that have them, are the values seen; it is
// not required. Password values are never listed, so password fields are not seen at all.

/** The text-valued types a value's shape cannot tell apart from `text`: each is listed once. */
export const LISTED_STRING_TYPES = ['date', 'multiline', 'picklist', 'radiobuttons'] as const satisfies readonly FieldType[]

/** A value as the API lists it. */
export interface ApiFormFieldValue {
  customer_id?: number
  address_id?: number
  name: string
  value: unknown
}

interface Definition {
  id: number
  form: Form
  name: string
  type: FieldType
  /** values seen, in the order seen */
  options: Set<string>
}

const formOf = (value: ApiFormFieldValue): Form => (typeof value.customer_id === 'number' ? 'customer' : 'address')
const keyOf = (value: ApiFormFieldValue) => `${formOf(value)}:${value.name}`

function typeOfShape(value: unknown): FieldType {
  if (Array.isArray(value)) return 'checkboxes'
  return typeof value === 'number' ? 'numbers' : 'text'
}

export class FormFieldCatalogue {
  private readonly fields = new Map<string, Definition>()

  /** A value read: its field is numbered in the order fields are first seen. */
  see(value: ApiFormFieldValue): void {
    const key = keyOf(value)
    let field = this.fields.get(key)
    if (!field) {
      field = { id: this.fields.size + 1, form: formOf(value), name: value.name, type: typeOfShape(value.value), options: new Set() }
      this.fields.set(key, field)
    }
    for (const option of Array.isArray(value.value) ? value.value : [value.value]) if (typeof option === 'string') field.options.add(option)
  }

  /** A value of the list filtered by `field_type=type`. */
  listedAs(value: ApiFormFieldValue, type: FieldType): void {
    const field = this.fields.get(keyOf(value))
    if (field) field.type = type
  }

  get size(): number {
    return this.fields.size
  }

  /** The definitions, as `form_fields` rows. */
  rows(dateCreated: string): Row[] {
    return [...this.fields.values()].map((field) => ({
      id: field.id,
      form: field.form,
      name: field.name,
      type: field.type,
      options: optionsColumn.encode(TYPES_WITH_OPTIONS.includes(field.type) ? [...field.options] : null),
      required: 0,
      date_created: dateCreated,
    }))
  }

  /** A value as a `form_field_values` row; the API shows no id nor date, so the caller numbers it. */
  valueRow(value: ApiFormFieldValue, id: number, dateModified: string): Row | undefined {
    const field = this.fields.get(keyOf(value))
    if (!field) return undefined
    return {
      id,
      field_id: field.id,
      customer_id: value.customer_id ?? null,
      address_id: value.address_id ?? null,
      value: storedValue.encode(value.value as FieldValue),
      date_modified: dateModified,
    }
  }
}
