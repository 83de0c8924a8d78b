import { Type, type Static } from 'typebox'
import { filterProperties, type FilterFields } from '../../core/filters.js'
import { PageQuery } from '../../core/pagination.js'
import { BatchResponse, IdInQuery, ListResponse } from '../../core/schemas.js'
import { MAX_INTEGER } from '../../db/schema.js'

// Attribute value shapes as customers.v3.yml documents them: a PUT item (attributeValue_Base)
// takes `value`, the objects it answers with carry `attribute_value` (attribute_Full). Values
// are strings whatever the attribute's type.

const id = Type.Integer({ minimum: 1, maximum: MAX_INTEGER })
const value = Type.String({ maxLength: 255, description: "Text that reads as the attribute's type: a decimal number, an ISO 8601 date or date-time, or any text" })

export const AttributeValueUpsert = Type.Object({
  id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INTEGER, description: 'Attribute value id: targets that value' })),
  attribute_id: id,
  customer_id: id,
  value,
})
export type AttributeValueUpsert = Static<typeof AttributeValueUpsert>

/** `attributes` items of POST /customers (customerAttributes_Base). */
export const NestedAttributeValue = Type.Object({ attribute_id: id, attribute_value: value })
export type NestedAttributeValue = Static<typeof NestedAttributeValue>

/** The most values one PUT takes (the spec's limit); more is a 413. */
export const MAX_UPSERT = 10

export const UpsertAttributeValuesBody = Type.Array(AttributeValueUpsert, { minItems: 1, maxItems: MAX_UPSERT })

// Key order of the captured attribute value (BEHAVIOUR 3.8).
export const AttributeValue = Type.Object({
  id: Type.Integer(),
  customer_id: Type.Integer(),
  attribute_id: Type.Integer(),
  attribute_value: Type.String(),
  date_created: Type.String({ format: 'date-time' }),
  date_modified: Type.String({ format: 'date-time' }),
})
export type AttributeValue = Static<typeof AttributeValue>

export const ATTRIBUTE_VALUE_FILTERS = {
  customer_id: { column: 'v.customer_id', type: 'integer', ops: ['in'], about: 'Customer id' },
  attribute_id: { column: 'v.attribute_id', type: 'integer', ops: ['in'], about: 'Attribute id' },
  name: { column: 'a.name_key', type: 'string', ops: ['eq'], lowerCase: true, about: 'Attribute name, case-insensitive' },
  date_created: { column: 'v.date_created', type: 'date', ops: ['eq', 'min', 'max'], about: 'Creation date' },
  date_modified: { column: 'v.date_modified', type: 'date', ops: ['eq', 'min', 'max'], about: 'Last modification date' },
} as const satisfies FilterFields

export const ListAttributeValuesQuery = Type.Object({ ...PageQuery, ...filterProperties(ATTRIBUTE_VALUE_FILTERS) })
export type ListAttributeValuesQuery = Static<typeof ListAttributeValuesQuery>

export const DeleteAttributeValuesQuery = IdInQuery

export const AttributeValueList = ListResponse(AttributeValue)
export const AttributeValueBatch = BatchResponse(AttributeValue)
