import { Type, type Static } from 'typebox'
import { filterProperties, type FilterFields } from '../../core/filters.js'
import { PageQuery } from '../../core/pagination.js'
import { BatchResponse, IdInQuery, ListResponse } from '../../core/schemas.js'
import { MAX_INTEGER } from '../../db/schema.js'
import { AddressFormFieldValue, FormFieldInput } from '../form-field-values/index.js'

// Address shapes as customers.v3.yml documents them (address_Full, address_Post, address_Put,
// customerAddresses_CustomerPost), with the spec's lengths. The spec sets none for address1 and
// address2; they are capped at 255 like the names (docs/COMPATIBILITY.md "Addresses").

export const ADDRESS_TYPES = ['residential', 'commercial'] as const

const fields = {
  first_name: Type.String({ minLength: 1, maxLength: 255 }),
  last_name: Type.String({ minLength: 1, maxLength: 255 }),
  company: Type.String({ maxLength: 255 }),
  address1: Type.String({ minLength: 1, maxLength: 255 }),
  address2: Type.String({ maxLength: 255 }),
  city: Type.String({ maxLength: 100 }),
  state_or_province: Type.String({
    maxLength: 100,
    description: 'The full name of a subdivision of the country (codes are refused); required where the country has subdivisions.',
  }),
  postal_code: Type.String({ maxLength: 30, description: 'Required where the country uses postal codes.' }),
  country_code: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2' }),
  phone: Type.String({ maxLength: 50 }),
  address_type: Type.Enum(ADDRESS_TYPES, { description: 'residential (default) or commercial' }),
}

const FormFields = Type.Array(FormFieldInput, { description: 'Values of the store\'s address form fields' })

/** An address inside a POST /customers item: the customer is the one being created. */
export const NestedAddressCreate = Type.Object({
  first_name: fields.first_name,
  last_name: fields.last_name,
  address1: fields.address1,
  city: fields.city,
  country_code: fields.country_code,
  company: Type.Optional(fields.company),
  address2: Type.Optional(fields.address2),
  state_or_province: Type.Optional(fields.state_or_province),
  postal_code: Type.Optional(fields.postal_code),
  phone: Type.Optional(fields.phone),
  address_type: Type.Optional(fields.address_type),
  form_fields: Type.Optional(FormFields),
})
export type NestedAddressCreate = Static<typeof NestedAddressCreate>

export const AddressCreate = Type.Object({
  customer_id: Type.Integer({ minimum: 1, maximum: MAX_INTEGER }),
  ...NestedAddressCreate.properties,
})
export type AddressCreate = Static<typeof AddressCreate>

export const AddressUpdate = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: MAX_INTEGER }),
  ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>>
  },
  form_fields: Type.Optional(FormFields),
})
export type AddressUpdate = Static<typeof AddressUpdate>

/** The most addresses one POST or PUT takes (BigCommerce documents none; a bound keeps one transaction small). */
export const MAX_ADDRESS_BATCH = 50

export const CreateAddressesBody = Type.Array(AddressCreate, { minItems: 1, maxItems: MAX_ADDRESS_BATCH })
export const UpdateAddressesBody = Type.Array(AddressUpdate, { minItems: 1, maxItems: MAX_ADDRESS_BATCH })

// Keys in the order real address responses use (alphabetical, as the spec's captured example).
export const Address = Type.Object({
  address1: Type.String(),
  address2: Type.String(),
  address_type: Type.Enum(ADDRESS_TYPES),
  city: Type.String(),
  company: Type.String(),
  country: Type.String({ description: 'English name of the country' }),
  country_code: Type.String(),
  customer_id: Type.Integer(),
  first_name: Type.String(),
  id: Type.Integer(),
  last_name: Type.String(),
  phone: Type.String(),
  postal_code: Type.String(),
  state_or_province: Type.String(),
  form_fields: Type.Optional(Type.Array(AddressFormFieldValue, { description: 'With include=formfields' })),
})
export type Address = Static<typeof Address>

export const ADDRESS_FILTERS = {
  id: { column: 'id', type: 'integer', ops: ['in'], about: 'Address id' },
  customer_id: { column: 'customer_id', type: 'integer', ops: ['in'], about: 'Customer id' },
  company: { column: 'company', type: 'string', ops: ['in'], about: 'Company' },
  name: { column: 'name_key', type: 'string', ops: ['in'], lowerCase: true, about: '"first_name last_name", case-insensitive' },
} as const satisfies FilterFields

export const ADDRESS_INCLUDES = ['formfields'] as const

export const ListAddressesQuery = Type.Object({
  ...PageQuery,
  ...filterProperties(ADDRESS_FILTERS),
  include: Type.Optional(Type.Array(Type.Enum(ADDRESS_INCLUDES), { description: 'Sub-resources to include' })),
})
export type ListAddressesQuery = Static<typeof ListAddressesQuery>

export const DeleteAddressesQuery = IdInQuery

export const AddressList = ListResponse(Address)
export const AddressBatch = BatchResponse(Address)
