import type { Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// A store's snapshots (src/stores/snapshots.ts): its data at one moment, kept as a gzipped store
// file (src/stores/dump/), to restore between test cases. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db)
  await db.schema
    .createTable('store_snapshots')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) => c.primaryKey())
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('date_created', 'varchar(32)', (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('data', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('store_snapshots_name').on('store_snapshots').columns(['store_id', 'name']).unique().execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('store_snapshots').execute()
}
