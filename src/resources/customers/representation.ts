import fastJson from 'fast-json-stringify'
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
// so the two paths give the same bytes (test/customers-representation.test.ts).

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
  if (include.has('storecredit')) customer.store_credit_amounts = storeCredit.decode(row.store_credit_amounts)
  // Loaded for the whole page by loadIncludes (includes.ts); a customer without any has [].
  if (include.has('addresses')) customer.addresses = included.addresses?.get(row.id) ?? []
  if (include.has('attributes')) customer.attributes = included.attributes?.get(row.id) ?? []
  if (include.has('formfields')) customer.form_fields = included.formFields?.get(row.id) ?? []
  // What BigCommerce returns for a store without shopper profiles or segments (COMPATIBILITY.md).
  if (include.has('shopper_profile_id')) customer.shopper_profile_id = null
  if (include.has('segment_ids')) customer.segment_ids = []
  return customer
}

const serializeCustomer = fastJson(Customer)
const serializeList = fastJson(CustomerList)

/** The row's `api_json`: its customer without includes, the counts (the last two keys) left off, and the closing brace. */
export function customerJsonHead(row: Omit<CustomerRow, 'address_count' | 'attribute_count'>): string {
  const customer = toCustomer({ ...row, address_count: 0, attribute_count: 0 }, NOTHING)
  delete customer.address_count
  delete customer.attribute_count
  return serializeCustomer(customer).slice(0, -1)
}

/** What a list row selects to be written out: its stored text and the counts that close it. */
export type CustomerJsonRow = Pick<CustomerRow, 'id' | 'address_count' | 'attribute_count'> & { api_json: string | null }

/** A stored head closed with the row's counts: the customer's JSON as toCustomer's object serializes. */
export function customerJson(head: string, row: Pick<CustomerRow, 'address_count' | 'attribute_count'>): string {
  return `${head},"address_count":${row.address_count},"attribute_count":${row.attribute_count}}`
}

const EMPTY_DATA = '{"data":[]'

/** `{"data":[...],"meta":...}` from customers already in JSON text, in order. */
export function customerListJson(customers: readonly string[], meta: CollectionMeta): string {
  const empty = serializeList({ data: [], meta })
  // `{"data":[]` starts every list the schema serializes: the texts go between its brackets.
  if (!empty.startsWith(EMPTY_DATA)) throw new Error(`customerListJson: the list schema serialized as ${empty.slice(0, 20)}...`)
  return `{"data":[${customers.join(',')}${empty.slice(EMPTY_DATA.length - 1)}`
}
