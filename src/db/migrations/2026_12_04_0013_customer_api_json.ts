import type { Kysely } from 'kysely'

// A customer's API representation kept as JSON text beside its columns (written by the customers
// write path, src/resources/customers/representation.ts), so a list page is a concatenation of
// stored texts rather than 50 objects built and serialized again. Null for a row written before
// this column: the list builds that one from its columns. Frozen: later changes get a new file.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('api_json', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').dropColumn('api_json').execute()
}
