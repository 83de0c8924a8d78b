import { Type, type Static } from 'typebox'
import { filterProperties, type FilterFields } from '../../core/filters.js'
import { PageQuery } from '../../core/pagination.js'
import { BatchResponse, IdInQuery, ListResponse } from '../../core/schemas.js'
import { MAX_INTEGER } from '../../db/schema.js'

// Customer attribute shapes as customers.v3.yml documents them (attribute_Post, attribute_Put,
// the CustomerAttributesResponse item).

export const ATTRIBUTE_TYPES = ['string', 'number', 'date'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]

/** A store holds at most this many customer attributes (the spec's POST notes). */
export const MAX_ATTRIBUTES = 50

const name = Type.String({ minLength: 1, maxLength: 255, description: 'Unique in the store, compared case-insensitively' })

export const AttributeCreate = Type.Object({
  name,
  type: Type.Enum(ATTRIBUTE_TYPES, { description: 'Fixed at creation' }),
})
export type AttributeCreate = Static<typeof AttributeCreate>

export const AttributeUpdate = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: MAX_INTEGER }),
  name,
  // Accepted so that a GET-edit-PUT round trip works; a different type is refused.
  type: Type.Optional(Type.Enum(ATTRIBUTE_TYPES, { description: 'Only the current type: a type cannot change' })),
})
export type AttributeUpdate = Static<typeof AttributeUpdate>

export const CreateAttributesBody = Type.Array(AttributeCreate, { minItems: 1, maxItems: MAX_ATTRIBUTES })
export const UpdateAttributesBody = Type.Array(AttributeUpdate, { minItems: 1, maxItems: MAX_ATTRIBUTES })

export const Attribute = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: Type.Enum(ATTRIBUTE_TYPES),
  date_created: Type.String({ format: 'date-time' }),
  date_modified: Type.String({ format: 'date-time' }),
})
export type Attribute = Static<typeof Attribute>

export const ATTRIBUTE_FILTERS = {
  name: { column: 'name_key', type: 'string', ops: ['eq', 'like'], lowerCase: true, about: 'Attribute name, case-insensitive' },
  type: { column: 'type', type: 'string', ops: ['eq'], about: 'Attribute type' },
  date_created: { column: 'date_created', type: 'date', ops: ['eq', 'min', 'max'], about: 'Creation date' },
  date_modified: { column: 'date_modified', type: 'date', ops: ['eq', 'min', 'max'], about: 'Last modification date' },
} as const satisfies FilterFields

export const ListAttributesQuery = Type.Object({
  ...PageQuery,
  ...filterProperties(ATTRIBUTE_FILTERS),
  // declared above (so it filters), typed here: one of the three types
  type: Type.Optional(Type.Enum(ATTRIBUTE_TYPES, { description: 'Attribute type' })),
})
export type ListAttributesQuery = Static<typeof ListAttributesQuery>

export const DeleteAttributesQuery = IdInQuery

export const AttributeList = ListResponse(Attribute)
export const AttributeBatch = BatchResponse(Attribute)
