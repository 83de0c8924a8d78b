import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// A counter may be spread over rows (slots), summed on read (src/db/counters.ts): the key of
// store_counters becomes (store_id, name, slot), every existing counter in slot 0. PostgreSQL
// changes the key in place; SQLite cannot change a table's key and gets the table made again.
// Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.alterTable('store_counters').addColumn('slot', 'integer', (c) => c.notNull().defaultTo(0)).execute()
    await db.schema.alterTable('store_counters').dropConstraint('store_counters_pk').execute()
    await db.schema.alterTable('store_counters').addPrimaryKeyConstraint('store_counters_pk', ['store_id', 'name', 'slot']).execute()
    return
  }
  await createCounters(db, 'store_counters_slotted', true)
  await sql`insert into store_counters_slotted (store_id, name, value, slot) select store_id, name, value, 0 from store_counters`.execute(db)
  await db.schema.dropTable('store_counters').execute()
  await db.schema.alterTable('store_counters_slotted').renameTo('store_counters').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`delete from store_counters where slot <> 0`.execute(db)
    await db.schema.alterTable('store_counters').dropConstraint('store_counters_pk').execute()
    await db.schema.alterTable('store_counters').dropColumn('slot').execute()
    await db.schema.alterTable('store_counters').addPrimaryKeyConstraint('store_counters_pk', ['store_id', 'name']).execute()
    return
  }
  await createCounters(db, 'store_counters_single', false)
  await sql`insert into store_counters_single (store_id, name, value) select store_id, name, sum(value) from store_counters group by store_id, name`.execute(db)
  await db.schema.dropTable('store_counters').execute()
  await db.schema.alterTable('store_counters_single').renameTo('store_counters').execute()
}

/** SQLite: the foundation's table, with or without the slot column (then in its key). */
async function createCounters(db: Kysely<any>, name: string, slotted: boolean): Promise<void> {
  const table = db.schema
    .createTable(name)
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
  await (slotted
    ? table.addColumn('slot', 'integer', (c) => c.notNull().defaultTo(0)).addPrimaryKeyConstraint('store_counters_pk', ['store_id', 'name', 'slot'])
    : table.addPrimaryKeyConstraint('store_counters_pk', ['store_id', 'name'])
  ).execute()
}
