import type { Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// Customer sub-resources: addresses, attributes and their values, form field definitions and
// values. Frozen: later changes get a new file.
//
// Everything that hangs off a customer cascades from it (and from its address, its attribute, its
// form field), so deleting one removes what belongs to it and nothing else. Addresses,
// attributes, attribute values and form fields are keyed (store_id, id) like customers, numbered
// per store from store_counters; form field values, never addressed by id, have a global one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db)

  await db.schema
    .createTable('customer_addresses')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'integer', (c) => c.notNull())
    .addColumn('first_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('name_key', 'varchar(511)', (c) => c.notNull())
    .addColumn('company', 'varchar(255)', (c) => c.notNull())
    .addColumn('address1', 'varchar(255)', (c) => c.notNull())
    .addColumn('address2', 'varchar(255)', (c) => c.notNull())
    .addColumn('city', 'varchar(100)', (c) => c.notNull())
    .addColumn('state_or_province', 'varchar(100)', (c) => c.notNull())
    .addColumn('postal_code', 'varchar(30)', (c) => c.notNull())
    .addColumn('country_code', 'varchar(2)', (c) => c.notNull())
    .addColumn('phone', 'varchar(50)', (c) => c.notNull())
    .addColumn('address_type', 'varchar(16)', (c) => c.notNull())
    // sha256 of the core fields: identical addresses of one customer collide on it (DECISIONS 11)
    .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_addresses_pk', ['store_id', 'id'])
    .addForeignKeyConstraint('customer_addresses_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()

  await db.schema
    .createTable('customer_attributes')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    // lower-cased name: uniqueness, `name` and `name:like` compare case-insensitively
    .addColumn('name_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addColumn('date_modified', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_attributes_pk', ['store_id', 'id'])
    .execute()

  await db.schema
    .createTable('customer_attribute_values')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'integer', (c) => c.notNull())
    .addColumn('attribute_id', 'integer', (c) => c.notNull())
    .addColumn('value', 'varchar(255)', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addColumn('date_modified', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_attribute_values_pk', ['store_id', 'id'])
    .addForeignKeyConstraint('customer_attribute_values_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'customer_attribute_values_attribute',
      ['store_id', 'attribute_id'],
      'customer_attributes',
      ['store_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()

  await db.schema
    .createTable('form_fields')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('id', 'integer', (c) => c.notNull())
    // `customer` (the account sign-up form) or `address`
    .addColumn('form', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    // JSON array of strings for picklist, radiobuttons and checkboxes; else null
    .addColumn('options', 'text')
    .addColumn('required', 'integer', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('form_fields_pk', ['store_id', 'id'])
    .execute()

  // Values are never addressed by id in the API; the id orders the list and its cursors. Global and
  // never reused, as metafields' (SQLite's autoincrement keeps a deleted highest id from returning).
  await db.schema
    .createTable('form_field_values')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('field_id', 'integer', (c) => c.notNull())
    // exactly one of customer_id and address_id is set
    .addColumn('customer_id', 'integer')
    .addColumn('address_id', 'integer')
    // JSON of the value; for a password field, the JSON string of its scrypt hash
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('date_modified', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('form_field_values_field', ['store_id', 'field_id'], 'form_fields', ['store_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint('form_field_values_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint('form_field_values_address', ['store_id', 'address_id'], 'customer_addresses', ['store_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()

  // Uniqueness rules, then one index per list filter and per include (`customer_id in (page ids)`),
  // each ending in the column the list is ordered by. NULLs never collide in a unique index, so
  // the two value indexes each hold one kind of value.
  const indexes: [string, string, string[], boolean?][] = [
    ['customer_addresses_identity', 'customer_addresses', ['store_id', 'customer_id', 'fingerprint'], true],
    ['customer_addresses_customer', 'customer_addresses', ['store_id', 'customer_id', 'id']],
    ['customer_addresses_company', 'customer_addresses', ['store_id', 'company', 'id']],
    ['customer_addresses_name', 'customer_addresses', ['store_id', 'name_key', 'id']],
    ['customer_attributes_name', 'customer_attributes', ['store_id', 'name_key'], true],
    ['customer_attribute_values_identity', 'customer_attribute_values', ['store_id', 'customer_id', 'attribute_id'], true],
    ['customer_attribute_values_attribute', 'customer_attribute_values', ['store_id', 'attribute_id', 'id']],
    ['form_fields_name', 'form_fields', ['store_id', 'form', 'name'], true],
    ['form_field_values_customer', 'form_field_values', ['store_id', 'customer_id', 'field_id'], true],
    ['form_field_values_address', 'form_field_values', ['store_id', 'address_id', 'field_id'], true],
    ['form_field_values_field', 'form_field_values', ['store_id', 'field_id', 'id']],
    ['form_field_values_store', 'form_field_values', ['store_id', 'id']],
  ]
  for (const [name, table, columns, unique] of indexes) {
    let index = db.schema.createIndex(name).on(table).columns(columns)
    if (unique) index = index.unique()
    await index.execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['form_field_values', 'form_fields', 'customer_attribute_values', 'customer_attributes', 'customer_addresses']) {
    await db.schema.dropTable(table).execute()
  }
}
