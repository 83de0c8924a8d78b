import type { Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// Metafields of every resource type in one table. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  // Ids are global and never reused: SQLite's `autoincrement` keeps a deleted highest id from
  // coming back (its plain rowid would hand it out again); PostgreSQL's serial never does.
  const postgres = isPostgres(db)
  await db.schema
    .createTable('metafields')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('owner_client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('namespace', 'varchar(64)', (c) => c.notNull())
    .addColumn('key', 'varchar(64)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('description', 'varchar(255)', (c) => c.notNull())
    .addColumn('permission_set', 'varchar(32)', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addColumn('date_modified', 'varchar(32)', (c) => c.notNull())
    .execute()

  // The uniqueness rule (a duplicate create is a 409), which also serves every per-resource
  // lookup; then one index per list order and filter of the store-wide lists, ending in id.
  const indexes: [string, string[], boolean?][] = [
    ['metafields_identity', ['store_id', 'resource_type', 'resource_id', 'owner_client_id', 'namespace', 'key'], true],
    ['metafields_type', ['store_id', 'resource_type', 'id']],
    ['metafields_key', ['store_id', 'resource_type', 'key', 'id']],
    ['metafields_namespace', ['store_id', 'resource_type', 'namespace', 'id']],
  ]
  for (const [name, columns, unique] of indexes) {
    let index = db.schema.createIndex(name).on('metafields').columns(columns)
    if (unique) index = index.unique()
    await index.execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('metafields').execute()
}
