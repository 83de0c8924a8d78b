import { randomBytes } from 'node:crypto'
import { type Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// Webhooks (docs/COMPATIBILITY.md "Webhooks"): API accounts get the client secret their
// deliveries are signed with; hooks belong to a store and an account; every event a write
// makes is kept in the outbox (webhook_events) by the write's own transaction, and each
// event's attempts at each matching hook in webhook_deliveries. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db)
  // Ids are global and never reused, as metafields' (SQLite's autoincrement keeps a deleted
  // highest id from coming back).
  const serialId = (table: ReturnType<Kysely<any>['schema']['createTable']>) =>
    table.addColumn('id', postgres ? 'serial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))

  // Accounts made before this migration get a secret of their own now (`tokens create` shows a new account's).
  await db.schema.alterTable('api_accounts').addColumn('client_secret', 'varchar(64)').execute()
  const accounts = await db.selectFrom('api_accounts').select('id').execute()
  for (const { id } of accounts) {
    await db.updateTable('api_accounts').set({ client_secret: randomBytes(24).toString('base64url') }).where('id', '=', id).execute()
  }

  await serialId(db.schema.createTable('webhooks'))
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    // Deleting an API account removes its hooks (WEBHOOKS.md (a), Limits and rules).
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('api_accounts.client_id').onDelete('cascade'))
    .addColumn('scope', 'varchar(255)', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    /** active, inactive (set so by its account) or deactivated (by the deliveries: retries used up) */
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('headers', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute()
  // One hook per store + client + scope + destination (WEBHOOKS.md (a)).
  await db.schema.createIndex('webhooks_identity').on('webhooks').columns(['store_id', 'client_id', 'scope', 'destination']).unique().execute()

  await db.schema
    .createTable('webhook_admin_emails')
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('api_accounts.client_id').onDelete('cascade'))
    /** JSON list of addresses */
    .addColumn('emails', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_admin_emails_pk', ['store_id', 'client_id'])
    .execute()

  await serialId(db.schema.createTable('webhook_events'))
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('scope', 'varchar(255)', (c) => c.notNull())
    /** JSON of the event's `data` */
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('hash', 'varchar(40)', (c) => c.notNull())
    /** Unix seconds, as the envelope's created_at */
    .addColumn('created_at', 'integer', (c) => c.notNull())
    /** 0 until its deliveries to the hooks matching it are made */
    .addColumn('dispatched', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webhook_events_pending').on('webhook_events').columns(['dispatched', 'id']).execute()
  await db.schema.createIndex('webhook_events_store').on('webhook_events').columns(['store_id', 'id']).execute()

  await serialId(db.schema.createTable('webhook_deliveries'))
    .addColumn('store_id', 'integer', (c) => c.notNull().references('stores.id').onDelete('cascade'))
    .addColumn('event_id', 'integer', (c) => c.notNull().references('webhook_events.id').onDelete('cascade'))
    .addColumn('hook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    /** pending, delivered or failed (every retry used) */
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    /** epoch milliseconds: when the next attempt is due */
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    /** epoch milliseconds: a node's claim on it ends then (a node that dies lets it go) */
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_latency_ms', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute()
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute()
  await db.schema.createIndex('webhook_deliveries_pair').on('webhook_deliveries').columns(['event_id', 'hook_id']).unique().execute()
  await db.schema.createIndex('webhook_deliveries_store').on('webhook_deliveries').columns(['store_id', 'id']).execute()
  await db.schema.createIndex('webhook_deliveries_hook').on('webhook_deliveries').column('hook_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_deliveries', 'webhook_events', 'webhook_admin_emails', 'webhooks']) await db.schema.dropTable(table).execute()
  await db.schema.alterTable('api_accounts').dropColumn('client_secret').execute()
}
