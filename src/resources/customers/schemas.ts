import { Type, type Static } from 'typebox'
import { filterProperties, type FilterFields } from '../../core/filters.js'
import { CursorQuery, PageQuery } from '../../core/pagination.js'
import { BatchResponse, IdInQuery, ListResponse } from '../../core/schemas.js'
import { MAX_INTEGER } from '../../db/schema.js'
import { Address, NestedAddressCreate } from '../addresses/index.js'
import { AttributeValue, NestedAttributeValue } from '../attribute-values/index.js'
import { CustomerFormFieldValue, FormFieldInput } from '../form-field-values/index.js'

// Customer shapes as BigCommerce documents them (customers.v3.yml customer_Full / _Post / _Put),
// with the lengths of the spec. Response key order is the order real responses use.

const StoreCreditAmounts = Type.Array(Type.Object({ amount: Type.Number({ minimum: 0 }) }), {
  description: 'Store credit balances',
})

const ChannelIds = Type.Array(Type.Integer({ minimum: 1 }), {
  minItems: 1,
  uniqueItems: true,
  description: 'Channels the customer may log in to; omit or null for every channel that allows global logins.',
})

const Authentication = Type.Object({
  force_password_reset: Type.Optional(Type.Boolean()),
  new_password: Type.Optional(Type.String({ description: 'Write-only; at least 7 characters with letters and digits.' })),
})

// fast-json-stringify writes required properties before optional ones; the fields after
// `accepts_product_review_abandoned_cart_emails` are marked optional (toCustomer always sets the
// first five) so that responses keep BigCommerce's key order, store credit in its observed place.
export const Customer = Type.Object({
  id: Type.Integer(),
  authentication: Type.Object({ force_password_reset: Type.Boolean() }),
  company: Type.String(),
  customer_group_id: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  notes: Type.String(),
  phone: Type.String(),
  registration_ip_address: Type.String(),
  tax_exempt_category: Type.String(),
  date_created: Type.String({ format: 'date-time' }),
  date_modified: Type.String({ format: 'date-time' }),
  accepts_product_review_abandoned_cart_emails: Type.Boolean(),
  store_credit_amounts: Type.Optional(Type.Array(Type.Object({ amount: Type.Number() }))),
  origin_channel_id: Type.Optional(Type.Integer()),
  channel_ids: Type.Optional(Type.Union([Type.Array(Type.Integer()), Type.Null()])),
  address_count: Type.Optional(Type.Integer()),
  attribute_count: Type.Optional(Type.Integer()),
  addresses: Type.Optional(Type.Array(Address, { description: 'With include=addresses' })),
  attributes: Type.Optional(Type.Array(AttributeValue, { description: 'With include=attributes' })),
  form_fields: Type.Optional(Type.Array(CustomerFormFieldValue, { description: 'With include=formfields' })),
  shopper_profile_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  segment_ids: Type.Optional(Type.Array(Type.String())),
})
export type Customer = Static<typeof Customer>

// Sub-resources written with a customer (customers/nested.ts): at most 10 addresses and 10
// attribute values per customer, as the spec says. PUT takes form fields only; its `addresses`
// and `attributes` are accepted by the schema and refused with a pointer to their own routes.
const NestedForm = Type.Optional(Type.Array(FormFieldInput))
const NestedRefused = Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true })))

const editable = {
  email: Type.String({ format: 'email', minLength: 3, maxLength: 255 }),
  first_name: Type.String({ minLength: 1, maxLength: 100 }),
  last_name: Type.String({ minLength: 1, maxLength: 100 }),
  company: Type.String({ maxLength: 255 }),
  phone: Type.String({ maxLength: 50 }),
  notes: Type.String(),
  tax_exempt_category: Type.String({ maxLength: 255 }),
  customer_group_id: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
  authentication: Authentication,
  accepts_product_review_abandoned_cart_emails: Type.Boolean(),
  store_credit_amounts: StoreCreditAmounts,
  channel_ids: Type.Union([ChannelIds, Type.Null()]),
  form_fields: NestedForm,
}

export const CustomerCreate = Type.Object({
  ...editable,
  company: Type.Optional(editable.company),
  phone: Type.Optional(editable.phone),
  notes: Type.Optional(editable.notes),
  tax_exempt_category: Type.Optional(editable.tax_exempt_category),
  customer_group_id: Type.Optional(editable.customer_group_id),
  authentication: Type.Optional(editable.authentication),
  accepts_product_review_abandoned_cart_emails: Type.Optional(editable.accepts_product_review_abandoned_cart_emails),
  store_credit_amounts: Type.Optional(editable.store_credit_amounts),
  channel_ids: Type.Optional(editable.channel_ids),
  origin_channel_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INTEGER })),
  addresses: Type.Optional(Type.Array(NestedAddressCreate, { maxItems: 10 })),
  attributes: Type.Optional(Type.Array(NestedAttributeValue, { maxItems: 10 })),
  trigger_account_created_notification: Type.Optional(Type.Boolean()),
})
export type CustomerCreate = Static<typeof CustomerCreate>

export const CustomerUpdate = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  ...Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof editable]: ReturnType<typeof Type.Optional<(typeof editable)[K]>>
  },
  // Read-only after create; accepted only unchanged, so a GET-edit-PUT round trip works.
  registration_ip_address: Type.Optional(Type.String({ maxLength: 30 })),
  origin_channel_id: Type.Optional(Type.Integer()),
  addresses: NestedRefused,
  attributes: NestedRefused,
})
export type CustomerUpdate = Static<typeof CustomerUpdate>

export const MAX_BATCH = 10

export const CreateCustomersBody = Type.Array(CustomerCreate, { minItems: 1, maxItems: MAX_BATCH })
export const UpdateCustomersBody = Type.Array(CustomerUpdate, { minItems: 1, maxItems: MAX_BATCH })

export const CUSTOMER_FILTERS = {
  id: { column: 'id', type: 'integer', ops: ['in'], about: 'Customer id' },
  company: { column: 'company', type: 'string', ops: ['in'], about: 'Company' },
  customer_group_id: { column: 'customer_group_id', type: 'integer', ops: ['in'], about: 'Customer group id' },
  date_created: { column: 'date_created', type: 'date', ops: ['eq', 'min', 'max'], about: 'Creation date' },
  date_modified: { column: 'date_modified', type: 'date', ops: ['eq', 'min', 'max'], about: 'Last modification date' },
  email: { column: 'email_key', type: 'string', ops: ['in'], lowerCase: true, about: 'Email, case-insensitive' },
  name: {
    column: 'name_key',
    type: 'string',
    ops: ['in', 'like'],
    lowerCase: true,
    about: '"first_name last_name", case-insensitive',
  },
  phone: { column: 'phone', type: 'string', ops: ['in'], about: 'Phone' },
  registration_ip_address: { column: 'registration_ip_address', type: 'string', ops: ['in'], about: 'Registration IP address' },
} as const satisfies FilterFields

export const CUSTOMER_SORTS = {
  date_created: 'date_created',
  last_name: 'last_name',
  date_modified: 'date_modified',
} as const

export const CUSTOMER_INCLUDES = ['addresses', 'storecredit', 'attributes', 'formfields', 'shopper_profile_id', 'segment_ids'] as const

const SORT_VALUES = [
  'date_created:asc', 'date_created:desc', 'last_name:asc', 'last_name:desc', 'date_modified:asc', 'date_modified:desc',
] as const satisfies readonly `${keyof typeof CUSTOMER_SORTS}:${'asc' | 'desc'}`[]

export const ListCustomersQuery = Type.Object({
  ...PageQuery,
  ...filterProperties(CUSTOMER_FILTERS),
  include: Type.Optional(Type.Array(Type.Enum(CUSTOMER_INCLUDES), { description: 'Sub-resources to include' })),
  sort: Type.Optional(Type.Enum(SORT_VALUES, { description: 'Order of the list' })),
  ...CursorQuery,
})
export type ListCustomersQuery = Static<typeof ListCustomersQuery>

export const DeleteCustomersQuery = IdInQuery

export const CustomerList = ListResponse(Customer)
export const CustomerBatch = BatchResponse(Customer)
