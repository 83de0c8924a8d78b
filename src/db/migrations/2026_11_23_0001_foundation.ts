import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// Stores, API accounts, per-store counters and customers. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  // SQLite's `integer primary key` is its auto-assigned rowid; PostgreSQL needs a serial.
  const serial = isPostgres(db) ? 'serial' : 'integer'
  await db.schema
    .createTable('stores')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_accounts')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('api_accounts_store').on('api_accounts').column('store_id').execute()

  await db.schema
    .createTable('store_counters')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('store_counters_pk', ['store_id', 'name'])
    .execute()

  await db.schema
    .createTable('customers')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('email', 'varchar(255)', (c) => c.notNull())
    .addColumn('email_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('first_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('name_key', 'varchar(201)', (c) => c.notNull())
    .addColumn('company', 'varchar(255)', (c) => c.notNull())
    .addColumn('phone', 'varchar(50)', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('tax_exempt_category', 'varchar(255)', (c) => c.notNull())
    .addColumn('registration_ip_address', 'varchar(30)', (c) => c.notNull())
    .addColumn('customer_group_id', 'integer', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)')
    .addColumn('force_password_reset', 'integer', (c) => c.notNull())
    .addColumn('accepts_product_review_abandoned_cart_emails', 'integer', (c) => c.notNull())
    .addColumn('store_credit_amounts', 'text', (c) => c.notNull())
    .addColumn('origin_channel_id', 'integer', (c) => c.notNull())
    .addColumn('channel_ids', 'text')
    .addColumn('address_count', 'integer', (c) => c.notNull())
    .addColumn('attribute_count', 'integer', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addColumn('date_modified', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('customers_pk', ['store_id', 'id'])
    .execute()

  // One index per filter and sort of GET /customers (docs/QUERY-PLANS.md shows them in use).
  // Sort indexes end in id: it breaks ties and keeps pages stable.
  const indexes: [string, string[], boolean?][] = [
    ['customers_email', ['store_id', 'email_key'], true],
    ['customers_company', ['store_id', 'company', 'id']],
    ['customers_group', ['store_id', 'customer_group_id', 'id']],
    ['customers_name', ['store_id', 'name_key', 'id']],
    ['customers_phone', ['store_id', 'phone', 'id']],
    ['customers_ip', ['store_id', 'registration_ip_address', 'id']],
    ['customers_created', ['store_id', 'date_created', 'id']],
    ['customers_modified', ['store_id', 'date_modified', 'id']],
    ['customers_last_name', ['store_id', 'last_name', 'id']],
  ]
  for (const [name, columns, unique] of indexes) {
    let index = db.schema.createIndex(name).on('customers').columns(columns)
    if (unique) index = index.unique()
    await index.execute()
  }

  // `name:like` is a substring match. SQLite answers it from the covering customers_name index;
  // PostgreSQL gets a trigram index (pg_trgm is a trusted extension: a database owner may add it).
  if (isPostgres(db)) {
    // In public, which every connection searches (src/db/connect.ts): made in the first schema of
    // the search path instead, it would go with that schema when it is dropped (a test run's).
    await sql`create extension if not exists pg_trgm with schema public`.execute(db)
    await sql`create index customers_name_trgm on customers using gin (name_key gin_trgm_ops)`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['customers', 'store_counters', 'api_accounts', 'stores']) {
    await db.schema.dropTable(table).execute()
  }
}
