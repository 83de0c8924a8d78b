import type { Database } from '../../db/schema.js'

// What a store dump holds (docs/STORE-FILES.md): every table of a store's data, each with its
// columns in file order, less `store_id` (the store the file goes into gives it) and the ids that
// no API shows (a stored instrument's, an API account's: the rows keep their order, and the
// database numbers them again). A test compares these lists with the migrated schema, so a column
// added later cannot be left out of exports unnoticed.

/** How a value is checked when a file is read: an integer or a string, and whether null is allowed. */
export type ColumnKind = 'integer' | 'text' | 'integer?' | 'text?'

type Columns<T extends keyof Database> = { readonly [C in Exclude<keyof Database[T], 'store_id'>]?: ColumnKind }

export interface DumpTable<T extends keyof Database = keyof Database> {
  readonly name: T
  readonly columns: Columns<T>
  /**
   * The integer column rows are exported in order of, paging through a large table (keyset);
   * absent for a store's few rows of a table (settings, counters), read at once in `sortedBy` order.
   */
  readonly pagedBy?: string
  readonly sortedBy: readonly string[]
  /**
   * An id the database hands out across stores (metafields, hooks): an import keeps it when it is
   * free in the database it writes to, and gives the row a new one when another store holds it.
   */
  readonly sharedId?: true
  /** Only with --with-tokens: API accounts and what hangs off them (their hooks). */
  readonly accounts?: true
}

function table<T extends keyof Database>(description: DumpTable<T>): DumpTable<T> {
  return description
}

// In the order a file lists them and an import writes them.
export const DUMP_TABLES: readonly DumpTable[] = [
  table({ name: 'channels', columns: { id: 'integer', name: 'text', date_created: 'text' }, sortedBy: ['id'] }),
  table({
    name: 'customer_settings',
    columns: {
      channel_id: 'integer', ask_shopper_for_tracking_consent: 'integer?', policy_url: 'text?', ask_shopper_for_tracking_consent_on_checkout: 'integer?',
      guest_customer_group_id: 'integer?', default_customer_group_id: 'integer?', allow_global_logins: 'integer?',
    },
    sortedBy: ['channel_id'],
  }),
  table({ name: 'rate_limits', columns: { quota: 'integer', window_ms: 'integer', plan: 'text?', date_modified: 'text' }, sortedBy: [] }),
  table({
    name: 'customer_attributes',
    columns: { id: 'integer', name: 'text', name_key: 'text', type: 'text', date_created: 'text', date_modified: 'text' },
    pagedBy: 'id', sortedBy: ['id'],
  }),
  table({
    name: 'form_fields',
    columns: { id: 'integer', form: 'text', name: 'text', type: 'text', options: 'text?', required: 'integer', date_created: 'text' },
    sortedBy: ['id'],
  }),
  table({
    name: 'customers',
    columns: {
      id: 'integer', email: 'text', email_key: 'text', first_name: 'text', last_name: 'text', name_key: 'text', company: 'text', phone: 'text',
      notes: 'text', tax_exempt_category: 'text', registration_ip_address: 'text', customer_group_id: 'integer', password_hash: 'text?',
      force_password_reset: 'integer', accepts_product_review_abandoned_cart_emails: 'integer', store_credit_amounts: 'text',
      origin_channel_id: 'integer', channel_ids: 'text?', address_count: 'integer', attribute_count: 'integer', date_created: 'text',
      date_modified: 'text', api_json: 'text?',
    },
    pagedBy: 'id', sortedBy: ['id'],
  }),
  table({
    name: 'customer_addresses',
    columns: {
      id: 'integer', customer_id: 'integer', first_name: 'text', last_name: 'text', name_key: 'text', company: 'text', address1: 'text',
      address2: 'text', city: 'text', state_or_province: 'text', postal_code: 'text', country_code: 'text', phone: 'text', address_type: 'text',
      fingerprint: 'text',
    },
    pagedBy: 'id', sortedBy: ['id'],
  }),
  table({
    name: 'customer_attribute_values',
    columns: { id: 'integer', customer_id: 'integer', attribute_id: 'integer', value: 'text', date_created: 'text', date_modified: 'text' },
    pagedBy: 'id', sortedBy: ['id'],
  }),
  table({
    name: 'form_field_values',
    columns: { id: 'integer', field_id: 'integer', customer_id: 'integer?', address_id: 'integer?', value: 'text', date_modified: 'text' },
    // The id orders the values' list and makes its cursors.
    pagedBy: 'id', sortedBy: ['id'], sharedId: true,
  }),
  table({ name: 'customer_consents', columns: { customer_id: 'integer', allow: 'text', deny: 'text' }, pagedBy: 'customer_id', sortedBy: ['customer_id'] }),
  table({
    name: 'stored_instruments',
    columns: { customer_id: 'integer', token: 'text', type: 'text', is_default: 'integer', details: 'text', date_created: 'text' },
    pagedBy: 'id', sortedBy: ['id'],
  }),
  table({
    name: 'metafields',
    columns: {
      id: 'integer', resource_type: 'text', resource_id: 'text', owner_client_id: 'text', namespace: 'text', key: 'text', value: 'text',
      description: 'text', permission_set: 'text', date_created: 'text', date_modified: 'text',
    },
    pagedBy: 'id', sortedBy: ['id'], sharedId: true,
  }),
  // The id sequences and row counts, a line per counter with the sum of its slots (no column of
  // the file: an import writes each in slot 0); the write versions are not data (an import moves them on).
  table({ name: 'store_counters', columns: { name: 'text', value: 'integer' }, sortedBy: ['name'] }),
  table({
    name: 'api_accounts',
    columns: { client_id: 'text', name: 'text', token_hash: 'text', scopes: 'text', client_secret: 'text', date_created: 'text' },
    sortedBy: ['id'], accounts: true,
  }),
  table({
    name: 'webhooks',
    columns: { id: 'integer', client_id: 'text', scope: 'text', destination: 'text', status: 'text', headers: 'text?', created_at: 'integer', updated_at: 'integer' },
    sortedBy: ['id'], sharedId: true, accounts: true,
  }),
  table({ name: 'webhook_admin_emails', columns: { client_id: 'text', emails: 'text' }, sortedBy: ['client_id'], accounts: true }),
]

/**
 * Store tables a dump leaves out, and why; with DUMP_TABLES, every table with a store_id column
 * (a test checks). The outbox is deliveries in flight to the apps of the store a file came from,
 * not the store's data. SQLite's trigram index of customer names (`customers_name_fts` and its
 * FTS5 shadow tables, no store_id column) is derived from the customers rows: a file without it
 * loses nothing, and an import fills it again through its triggers as the customers go in.
 */
export const NOT_DUMPED = ['stores', 'webhook_events', 'webhook_deliveries', 'store_snapshots'] as const

export function columnsOf(table: DumpTable): [string, ColumnKind][] {
  return Object.entries(table.columns) as [string, ColumnKind][]
}
