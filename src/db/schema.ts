import type { ColumnType, Generated } from 'kysely'

// The one description of every table, for typed queries. Conventions: database-assigned columns
// are Generated<>, nullable columns are `T | null`, write-once columns use ColumnType<_, _, never>.
// Booleans are integers 0/1 and timestamps fixed-width UTC text on both dialects (src/core/dates.ts),
// so no query needs to know which database it runs on.

type WriteOnce<T> = ColumnType<T, T, never>

/**
 * The largest value an `integer` column holds on PostgreSQL (int4); SQLite holds more. Request
 * integers that are stored are capped at it, so both backends refuse the same input with a 422.
 */
export const MAX_INTEGER = 2_147_483_647

export interface StoreTable {
  id: Generated<number>
  hash: WriteOnce<string>
  name: string
  date_created: WriteOnce<string>
}

export interface ApiAccountTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  client_id: WriteOnce<string>
  name: string
  /** sha256 of the token, hex; the token itself is shown once and never stored */
  token_hash: WriteOnce<string>
  /** space-separated OAuth scopes */
  scopes: string
  date_created: WriteOnce<string>
}

/** Per-store sequences and row counts, so ids restart per store and list totals need no scan. */
export interface StoreCounterTable {
  store_id: number
  name: string
  value: number
}

export interface CustomerTable {
  store_id: WriteOnce<number>
  id: WriteOnce<number>
  email: string
  /** lower-cased email: uniqueness and `email:in` compare case-insensitively */
  email_key: string
  first_name: string
  last_name: string
  /** lower-cased "first last": `name:in` and `name:like` match it */
  name_key: string
  company: string
  phone: string
  notes: string
  tax_exempt_category: string
  registration_ip_address: WriteOnce<string>
  customer_group_id: number
  password_hash: string | null
  force_password_reset: number
  accepts_product_review_abandoned_cart_emails: number
  /** JSON array of {amount} */
  store_credit_amounts: string
  origin_channel_id: WriteOnce<number>
  /** JSON array of channel ids, or null for a global customer */
  channel_ids: string | null
  address_count: number
  attribute_count: number
  date_created: WriteOnce<string>
  date_modified: string
}

/** Metafields of every resource type; one row each, whichever resource it hangs off. */
export interface MetafieldTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  /** `customer`, `cart`... */
  resource_type: WriteOnce<string>
  /** the resource's id as text: a customer id in decimal, a cart UUID lower-cased */
  resource_id: WriteOnce<string>
  /** client id of the API account that created it */
  owner_client_id: WriteOnce<string>
  namespace: string
  key: string
  value: string
  description: string
  permission_set: string
  date_created: WriteOnce<string>
  date_modified: string
}

export interface Database {
  stores: StoreTable
  api_accounts: ApiAccountTable
  store_counters: StoreCounterTable
  customers: CustomerTable
  metafields: MetafieldTable
}

/**
 * Tables holding a store's API data: what `stores reset` empties. Accounts and the store row
 * stay. A test checks that every table with a store_id column is either here or deliberately not.
 */
export const STORE_DATA_TABLES = ['customers', 'store_counters', 'metafields'] as const satisfies readonly (keyof Database)[]
export const STORE_ADMIN_TABLES = ['stores', 'api_accounts'] as const satisfies readonly (keyof Database)[]
