import fastJson from 'fast-json-stringify'
import { Type } from 'typebox'
import type { CollectionMeta } from '../../core/pagination.js'
import { channelIds as channelIdsColumn, flag, json } from '../../db/codecs.js'
import type { Included } from './includes.js'
import type { CustomerRow } from './queries.js'
import { Customer, CustomerList, type ListCustomersQuery } from './schemas.js'

// A customer as the API shows it, built from its row; and, for GET /customers without includes,
// the same bytes from text the write path stored: the row's `api_json` is the customer's JSON
// less its two counts (which other resources' writes change, src/db/recount.ts) and its closing
// brace. A page is then the stored texts, each closed with its counts, joined and wrapped in the
// `meta` block: no object per customer is built, nor serialized again. Both texts come from
// fast-json-stringify compiled from the response schemas, as Fastify compiles them for a route,
// so the two paths give the same bytes (test/customers-representation.test.ts). Includes are
// text too: a customer's included fields are serialized on their own, with the part of the
// customer schema that holds them, and spliced in where that schema puts them (store credit
// inside the head, the rest after the counts); the customer's own fields are never built again.

type Include = NonNullable<ListCustomersQuery['include']>[number]

const storeCredit = json<{ amount: number }[]>()
const NOTHING: ReadonlySet<never> = new Set()

export function toCustomer(row: CustomerRow, include: ReadonlySet<Include | 'storecredit'>, included: Included = {}): Customer {
  const customer: Customer = {
    id: row.id,
    authentication: { force_password_reset: flag.decode(row.force_password_reset) },
    company: row.company,
    customer_group_id: row.customer_group_id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    notes: row.notes,
    phone: row.phone,
    registration_ip_address: row.registration_ip_address,
    tax_exempt_category: row.tax_exempt_category,
    date_created: row.date_created,
    date_modified: row.date_modified,
    accepts_product_review_abandoned_cart_emails: flag.decode(row.accepts_product_review_abandoned_cart_emails),
    origin_channel_id: row.origin_channel_id,
    channel_ids: channelIdsColumn.decode(row.channel_ids),
    address_count: row.address_count,
    attribute_count: row.attribute_count,
  }
  if (include.has('storecredit')) Object.assign(customer, storeCreditOf(row))
  return Object.assign(customer, includedFields(row.id, include, included))
}

/** The fields after the counts that includes add, in the customer schema's order. */
const IncludedFields = Type.Pick(Customer, ['addresses', 'attributes', 'form_fields', 'shopper_profile_id', 'segment_ids'])
const StoreCredit = Type.Pick(Customer, ['store_credit_amounts'])

function storeCreditOf(row: Pick<CustomerRow, 'store_credit_amounts'>): Pick<Customer, 'store_credit_amounts'> {
  return { store_credit_amounts: storeCredit.decode(row.store_credit_amounts) }
}

function includedFields(id: number, include: ReadonlySet<string>, included: Included): Pick<Customer, keyof typeof IncludedFields.properties> {
  const fields: Pick<Customer, keyof typeof IncludedFields.properties> = {}
  // Loaded for the whole page by loadIncludes (includes.ts); a customer without any has [].
  if (include.has('addresses')) fields.addresses = included.addresses?.get(id) ?? []
  if (include.has('attributes')) fields.attributes = included.attributes?.get(id) ?? []
  if (include.has('formfields')) fields.form_fields = included.formFields?.get(id) ?? []
  // What BigCommerce returns for a store without shopper profiles or segments (COMPATIBILITY.md).
  if (include.has('shopper_profile_id')) fields.shopper_profile_id = null
  if (include.has('segment_ids')) fields.segment_ids = []
  return fields
}

const serializeCustomer = fastJson(Customer)
const serializeIncluded = fastJson(IncludedFields)
const serializeStoreCredit = fastJson(StoreCredit)
const serializeList = fastJson(CustomerList)

/** The row's `api_json`: its customer without includes, the counts (the last two keys) left off, and the closing brace. */
export function customerJsonHead(row: Omit<CustomerRow, 'address_count' | 'attribute_count'>): string {
  const customer = toCustomer({ ...row, address_count: 0, attribute_count: 0 }, NOTHING)
  delete customer.address_count
  delete customer.attribute_count
  return serializeCustomer(customer).slice(0, -1)
}

/** What a list row selects to be written out: its stored text, the counts that close it, and its store credit when included. */
export type CustomerJsonRow = Pick<CustomerRow, 'id' | 'address_count' | 'attribute_count'> &
  Partial<Pick<CustomerRow, 'store_credit_amounts'>> & { api_json: string | null }

/**
 * A stored head closed with the row's counts and what the request includes (the page's, from
 * loadIncludes): the customer's JSON as toCustomer's object serializes.
 */
export function customerJson(head: string, row: CustomerJsonRow, include: ReadonlySet<Include> = NOTHING, included: Included = {}): string {
  const start = include.has('storecredit') ? withStoreCredit(head, row.store_credit_amounts) : head
  const tail = include.size === 0 ? '' : members(serializeIncluded(includedFields(row.id, include, included)))
  return `${start},"address_count":${row.address_count},"attribute_count":${row.attribute_count}${tail}}`
}

const BEFORE_STORE_CREDIT = ',"origin_channel_id":'

/**
 * The head with `store_credit_amounts` in its place, just before `origin_channel_id`: the last
 * occurrence, since every string field comes before it (and a quote inside a string is escaped).
 */
function withStoreCredit(head: string, amounts: string | undefined): string {
  const at = head.lastIndexOf(BEFORE_STORE_CREDIT)
  if (at < 0 || amounts === undefined) throw new Error('customerJson: no place or no value for store credit')
  return `${head.slice(0, at)}${members(serializeStoreCredit(storeCreditOf({ store_credit_amounts: amounts })))}${head.slice(at)}`
}

/** `{"a":1,"b":2}` as `,"a":1,"b":2`, to follow other members; `{}` as nothing. */
function members(object: string): string {
  return object.length === 2 ? '' : `,${object.slice(1, -1)}`
}

const EMPTY_DATA = '{"data":[]'

/** `{"data":[...],"meta":...}` from customers already in JSON text, in order. */
export function customerListJson(customers: readonly string[], meta: CollectionMeta): string {
  const empty = serializeList({ data: [], meta })
  // `{"data":[]` starts every list the schema serializes: the texts go between its brackets.
  if (!empty.startsWith(EMPTY_DATA)) throw new Error(`customerListJson: the list schema serialized as ${empty.slice(0, 20)}...`)
  return `{"data":[${customers.join(',')}${empty.slice(EMPTY_DATA.length - 1)}`
}
