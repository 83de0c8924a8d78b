import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// Channels, customer settings, consent and stored instruments; emails unique per channel scope
// instead of per store. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db)

  await db.schema
    .createTable('channels')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('channels_pk', ['store_id', 'id'])
    .execute()
  // Channel 1 exists in every store: stores created from now on get it with the store.
  await db
    .insertInto('channels')
    .columns(['store_id', 'id', 'name', 'date_created'])
    .expression(db.selectFrom('stores').select((eb) => ['id', eb.lit(1).as('channel_id'), 'name', 'date_created']))
    .execute()

  // One row per store (channel_id 0, the store-wide settings) and per channel that overrides
  // something. A null column is "not set": the default store-wide, "inherit" on a channel.
  await db.schema
    .createTable('customer_settings')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('channel_id', 'integer', (c) => c.notNull())
    .addColumn('ask_shopper_for_tracking_consent', 'integer')
    .addColumn('policy_url', 'varchar(2048)')
    .addColumn('ask_shopper_for_tracking_consent_on_checkout', 'integer')
    .addColumn('guest_customer_group_id', 'integer')
    .addColumn('default_customer_group_id', 'integer')
    .addColumn('allow_global_logins', 'integer')
    .addPrimaryKeyConstraint('customer_settings_pk', ['store_id', 'channel_id'])
    .execute()

  await db.schema
    .createTable('customer_consents')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('customer_id', 'integer', (c) => c.notNull())
    // JSON arrays of category names
    .addColumn('allow', 'varchar(255)', (c) => c.notNull())
    .addColumn('deny', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_consents_pk', ['store_id', 'customer_id'])
    .addForeignKeyConstraint('customer_consents_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()

  // The id only orders a customer's instruments (the API addresses them by token); global and
  // never reused, as metafields'.
  await db.schema
    .createTable('stored_instruments')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('customer_id', 'integer', (c) => c.notNull())
    .addColumn('token', 'varchar(64)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    // JSON of the type's own fields (brand, last_4, billing_address; email; masked_account_number...)
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('stored_instruments_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()
  await db.schema.createIndex('stored_instruments_token').on('stored_instruments').columns(['store_id', 'token']).unique().execute()
  await db.schema.createIndex('stored_instruments_customer').on('stored_instruments').columns(['store_id', 'customer_id', 'id']).execute()
  // At most one default instrument per customer, whatever writes the table.
  await db.schema
    .createIndex('stored_instruments_default')
    .on('stored_instruments')
    .columns(['store_id', 'customer_id'])
    .unique()
    .where(sql.ref('is_default'), '=', sql.lit(1))
    .execute()

  // Emails are unique per channel scope (DECISIONS 7), which no unique index can say: customers
  // with disjoint channel_ids may share one. Writers hold a lock on store + email instead
  // (lockKeys in locks.ts); the index stays for `email:in` and those checks, ending in id.
  await db.schema.dropIndex('customers_email').execute()
  await db.schema.createIndex('customers_email').on('customers').columns(['store_id', 'email_key', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  // Fails when two customers of a store share an email: the old rule cannot hold them both.
  await db.schema.dropIndex('customers_email').execute()
  await db.schema.createIndex('customers_email').on('customers').columns(['store_id', 'email_key']).unique().execute()
  for (const table of ['stored_instruments', 'customer_consents', 'customer_settings', 'channels']) {
    await db.schema.dropTable(table).execute()
  }
}
