import type { Kysely } from 'kysely'

// A store's quota may be one of BigCommerce's named plans (core/rate-limit-plans.ts): the name is
// kept beside the figures, so `unlimited` is known for what it is and a listing shows the plan.
// Null: a custom quota. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rate_limits').addColumn('plan', 'varchar(16)').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rate_limits').dropColumn('plan').execute()
}
