import { Type, type Static } from 'typebox'
import { filterProperties, type FilterFields } from '../../core/filters.js'
import { CursorQuery, PageQuery } from '../../core/pagination.js'
import { BatchResponse, ListResponse } from '../../core/schemas.js'
import { MAX_INTEGER } from '../../db/schema.js'

// Form field values as customers.v3.yml documents them (formFieldValue, _Customer, _Address):
// addressed by the field's display name; a value is a string, a number or an array of strings,
// as the field's type says. The fields themselves are defined through the admin API and CLI.

export const FIELD_TYPES = ['checkboxes', 'date', 'multiline', 'numbers', 'password', 'radiobuttons', 'text', 'picklist'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

/** The types whose values are chosen among the field's options. */
export const TYPES_WITH_OPTIONS: readonly FieldType[] = ['checkboxes', 'picklist', 'radiobuttons']

/** The account sign-up form (customer values) or the address form (address values). */
export const FORMS = ['customer', 'address'] as const
export type Form = (typeof FORMS)[number]

export const FieldValue = Type.Union([Type.String(), Type.Number(), Type.Array(Type.String())], {
  description: 'checkboxes: an array of options; numbers: a number; date: an ISO date; picklist, radiobuttons: one option; others: text',
})
export type FieldValue = Static<typeof FieldValue>

/** `form_fields` items of customers and addresses, as written. */
export const FormFieldInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255, description: 'The form field name' }),
  value: FieldValue,
})
export type FormFieldInput = Static<typeof FormFieldInput>

export const CustomerFormFieldValue = Type.Object({ customer_id: Type.Integer(), name: Type.String(), value: FieldValue })
export type CustomerFormFieldValue = Static<typeof CustomerFormFieldValue>
export const AddressFormFieldValue = Type.Object({ address_id: Type.Integer(), name: Type.String(), value: FieldValue })
export type AddressFormFieldValue = Static<typeof AddressFormFieldValue>

export const FormFieldValue = Type.Union([CustomerFormFieldValue, AddressFormFieldValue])
export type FormFieldValue = Static<typeof FormFieldValue>

/** The most items one upsert takes (BigCommerce documents none; a bound keeps one transaction small). */
export const MAX_UPSERT = 50

// One object with both ids optional rather than the spec's oneOf: "give exactly one of them" is
// then one clear message instead of a schema union's errors.
export const FormFieldValueUpsert = Type.Object({
  customer_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INTEGER })),
  address_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INTEGER })),
  name: FormFieldInput.properties.name,
  value: FieldValue,
})
export type FormFieldValueUpsert = Static<typeof FormFieldValueUpsert>

export const UpsertFormFieldValuesBody = Type.Array(FormFieldValueUpsert, { minItems: 1, maxItems: MAX_UPSERT })

export const FORM_FIELD_VALUE_FILTERS = {
  customer_id: { column: 'v.customer_id', type: 'integer', ops: ['eq'], about: 'Customer id' },
  address_id: { column: 'v.address_id', type: 'integer', ops: ['eq'], about: 'Address id' },
  field_name: { column: 'f.name', type: 'string', ops: ['eq'], about: 'Form field name' },
  field_type: { column: 'f.type', type: 'string', ops: ['eq'], about: 'Form field type' },
} as const satisfies FilterFields

export const ListFormFieldValuesQuery = Type.Object({
  ...PageQuery,
  ...filterProperties(FORM_FIELD_VALUE_FILTERS),
  // declared above (so it filters), typed here: one of the eight types
  field_type: Type.Optional(Type.Enum(FIELD_TYPES, { description: 'Form field type' })),
  ...CursorQuery,
})
export type ListFormFieldValuesQuery = Static<typeof ListFormFieldValuesQuery>

export const FormFieldValueList = ListResponse(FormFieldValue)
export const FormFieldValueBatch = BatchResponse(FormFieldValue)
