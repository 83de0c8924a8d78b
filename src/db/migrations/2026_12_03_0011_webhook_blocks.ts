import type { Kysely } from 'kysely'

// BigCommerce's denylist (WEBHOOKS.md (d)): a destination domain whose deliveries for one API
// account succeed less than 90% of the time over two minutes (after 100 of them) is blocked for
// three; the delivery workers write the blocks here, so every node honours them and
// GET /hooks/admin lists them. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_blocks')
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('api_accounts.client_id').onDelete('cascade'))
    .addColumn('domain', 'varchar(255)', (c) => c.notNull())
    /** epoch milliseconds */
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    /** JSON list of {failure_description, count, timestamp} */
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_blocks_pk', ['client_id', 'domain'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_blocks').execute()
}
