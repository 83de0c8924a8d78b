import type { Kysely } from 'kysely'

// The outstanding-attempts cap (src/webhooks/queries.ts) counts a hook's deliveries waiting for a
// retry at every dispatch: an index on (hook_id, status, attempts) makes that a range of the
// retrying ones only, not of the hook's whole history. It also serves what the old hook_id index
// did (a hook's deliveries go with it). Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('webhook_deliveries_hook_state').on('webhook_deliveries').columns(['hook_id', 'status', 'attempts']).execute()
  await db.schema.dropIndex('webhook_deliveries_hook').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('webhook_deliveries_hook').on('webhook_deliveries').column('hook_id').execute()
  await db.schema.dropIndex('webhook_deliveries_hook_state').execute()
}
