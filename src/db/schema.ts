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
  /** signs the account's webhook deliveries (Standard Webhooks); shown with the token when the account is made */
  client_secret: WriteOnce<string>
  date_created: WriteOnce<string>
}

/**
 * Per-store sequences, row counts and write versions, so ids restart per store and list totals
 * need no scan. A counter is the sum of its rows' values, one row per `slot` (db/counters.ts).
 */
export interface StoreCounterTable {
  store_id: number
  name: string
  /** 0 unless the counter is spread over slots (a row each writer in flight can hold) */
  slot: Generated<number>
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
  /**
   * The customer as the API shows it, JSON text without its two counts and closing brace
   * (src/resources/customers/representation.ts); null for a row written before the column
   */
  api_json: string | null
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

/** A customer's address; `fingerprint` makes identical addresses of one customer collide. */
export interface CustomerAddressTable {
  store_id: WriteOnce<number>
  id: WriteOnce<number>
  customer_id: WriteOnce<number>
  first_name: string
  last_name: string
  /** lower-cased "first last": `name:in` matches it */
  name_key: string
  company: string
  address1: string
  address2: string
  city: string
  state_or_province: string
  postal_code: string
  /** upper-case ISO 3166-1 alpha-2 */
  country_code: string
  phone: string
  address_type: string
  /** sha256 hex of the core fields (DECISIONS 11) */
  fingerprint: string
}

export interface CustomerAttributeTable {
  store_id: WriteOnce<number>
  id: WriteOnce<number>
  name: string
  /** lower-cased name: uniqueness and the name filters compare case-insensitively */
  name_key: string
  /** string, number or date; fixed at creation */
  type: WriteOnce<string>
  date_created: WriteOnce<string>
  date_modified: string
}

export interface CustomerAttributeValueTable {
  store_id: WriteOnce<number>
  id: WriteOnce<number>
  customer_id: WriteOnce<number>
  attribute_id: WriteOnce<number>
  value: string
  date_created: WriteOnce<string>
  date_modified: string
}

/** A field of the account sign-up form (`customer`) or of the address form (`address`). */
export interface FormFieldTable {
  store_id: WriteOnce<number>
  id: WriteOnce<number>
  form: WriteOnce<string>
  name: WriteOnce<string>
  type: WriteOnce<string>
  /** JSON array of strings (picklist, radiobuttons, checkboxes), else null */
  options: WriteOnce<string | null>
  required: WriteOnce<number>
  date_created: WriteOnce<string>
}

/** A form field's value for one customer or one address (exactly one of the two ids is set). */
export interface FormFieldValueTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  field_id: WriteOnce<number>
  customer_id: WriteOnce<number | null>
  address_id: WriteOnce<number | null>
  /** JSON of the value; a password field's is the JSON string of its scrypt hash */
  value: string
  date_modified: string
}

export interface Database {
  stores: StoreTable
  api_accounts: ApiAccountTable
  store_counters: StoreCounterTable
  customers: CustomerTable
  metafields: MetafieldTable
  customer_addresses: CustomerAddressTable
  customer_attributes: CustomerAttributeTable
  customer_attribute_values: CustomerAttributeValueTable
  form_fields: FormFieldTable
  form_field_values: FormFieldValueTable
  rate_limits: RateLimitTable
  channels: ChannelTable
  customer_settings: CustomerSettingsTable
  customer_consents: CustomerConsentTable
  stored_instruments: StoredInstrumentTable
  webhooks: WebhookTable
  webhook_admin_emails: WebhookAdminEmailsTable
  webhook_events: WebhookEventTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_blocks: WebhookBlockTable
  store_snapshots: StoreSnapshotTable
}

/** A store's sales channels (storefronts); channel 1 exists in every store. Managed by the admin API. */
export interface ChannelTable {
  store_id: WriteOnce<number>
  id: WriteOnce<number>
  name: string
  date_created: WriteOnce<string>
}

/**
 * Customer settings: channel_id 0 holds the store-wide ones, another id that channel's overrides.
 * A null column is "not set": the default store-wide, "inherit the store-wide value" on a channel
 * (allow_global_logins: the channel's default, on for channel 1 only).
 */
export interface CustomerSettingsTable {
  store_id: WriteOnce<number>
  channel_id: WriteOnce<number>
  ask_shopper_for_tracking_consent: number | null
  policy_url: string | null
  ask_shopper_for_tracking_consent_on_checkout: number | null
  guest_customer_group_id: number | null
  default_customer_group_id: number | null
  allow_global_logins: number | null
}

/** A customer's tracking consent; a customer without a row has consented to `essential` only. */
export interface CustomerConsentTable {
  store_id: WriteOnce<number>
  customer_id: WriteOnce<number>
  /** JSON array of categories */
  allow: string
  /** JSON array of categories */
  deny: string
}

/** A customer's stored payment instrument, added by the admin API (real stores get them from payments). */
export interface StoredInstrumentTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  customer_id: WriteOnce<number>
  token: WriteOnce<string>
  /** stored_card, stored_paypal_account or stored_bank_account */
  type: WriteOnce<string>
  is_default: number
  /** JSON of the fields of its type */
  details: WriteOnce<string>
  date_created: WriteOnce<string>
}

/** A store's own request quota (docs/COMPATIBILITY.md "Limits"); a store without a row has the deployment's default. */
export interface RateLimitTable {
  store_id: WriteOnce<number>
  quota: number
  window_ms: number
  /** one of core/rate-limit-plans.ts's PLAN_NAMES, or null for a custom quota */
  plan: string | null
  date_modified: string
}

/** A webhook (Webhooks V3 `/hooks`): one API account's subscription to a scope of a store's events. */
export interface WebhookTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  client_id: WriteOnce<string>
  scope: string
  destination: string
  /** active, inactive (its account set is_active false) or deactivated (its deliveries used every retry) */
  status: string
  /** JSON object of the custom headers sent with each delivery, or null */
  headers: string | null
  /** Unix seconds */
  created_at: WriteOnce<number>
  updated_at: number
}

/** The addresses an API account's webhook notices go to (`PUT /hooks/admin`). */
export interface WebhookAdminEmailsTable {
  store_id: WriteOnce<number>
  client_id: WriteOnce<string>
  /** JSON list */
  emails: string
}

/** The outbox: each event a write made, written by that write's transaction. */
export interface WebhookEventTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  scope: WriteOnce<string>
  /** JSON of the envelope's `data` */
  data: WriteOnce<string>
  /** 40-hex SHA-1 naming the event: the same in every attempt */
  hash: WriteOnce<string>
  /** Unix seconds */
  created_at: WriteOnce<number>
  /** 0 until its deliveries to the hooks it matches are made */
  dispatched: number
}

/** One event's attempts at one hook. Times are epoch milliseconds. */
export interface WebhookDeliveryTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  event_id: WriteOnce<number>
  hook_id: WriteOnce<number>
  /** pending, delivered or failed */
  status: string
  attempts: number
  next_attempt_at: number
  /** a node's claim on the delivery lasts until then */
  lease_until: number
  last_status: number | null
  last_error: string | null
  last_latency_ms: number | null
  created_at: WriteOnce<number>
  delivered_at: number | null
}

/** A destination domain blocked for one API account's deliveries (BigCommerce's denylist). */
export interface WebhookBlockTable {
  client_id: string
  domain: string
  /** epoch milliseconds */
  blocked_until: number
  /** JSON list of {failure_description, count, timestamp (Unix seconds)} */
  reasons: string
}

/** A store's data at one moment, to restore (src/stores/snapshots.ts). */
export interface StoreSnapshotTable {
  id: Generated<number>
  store_id: WriteOnce<number>
  name: WriteOnce<string>
  date_created: WriteOnce<string>
  /** customers and rows in it, for the list */
  customers: WriteOnce<number>
  rows: WriteOnce<number>
  /** the store file (src/stores/dump/), gzipped */
  data: WriteOnce<Buffer>
}

/**
 * Tables holding a store's API data: what `stores reset` empties. Accounts and the store row
 * stay. A test checks that every table with a store_id column is either here or deliberately not.
 * SQLite's `customers_name_fts` (the trigram index of customer names) is neither: it holds no
 * store_id, only what triggers copy from `customers`, and empties with it.
 * Rows that refer to others come before them: emptying a store in this order deletes each row
 * once, where deleting its customers first made every address, value and consent a cascade of
 * its own (a snapshot restore of 10,000 customers spent a third of its time there).
 */
export const STORE_DATA_TABLES = [
  'form_field_values', 'customer_attribute_values', 'customer_addresses', 'customer_consents', 'stored_instruments', 'metafields',
  'customers', 'customer_attributes', 'form_fields', 'customer_settings', 'store_counters',
  'webhook_deliveries', 'webhook_events',
] as const satisfies readonly (keyof Database)[]
// Channels are store configuration that only the admin API writes: a reset keeps them (and
// forgets their customer settings, which the BigCommerce API writes).
// Hooks are an app's configuration, as its token is: a reset keeps them (and forgets the events).
// Snapshots are the store's own saved states: a reset keeps them, to go back to.
export const STORE_ADMIN_TABLES = ['stores', 'api_accounts', 'rate_limits', 'channels', 'webhooks', 'webhook_admin_emails', 'store_snapshots'] as const satisfies readonly (keyof Database)[]
