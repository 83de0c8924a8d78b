import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

// What every admin operation starts from: admin commands and routes name a store by its hash,
// and report what they refuse as a StoreAdminError, which the CLI prints and the admin API
// answers with the status its kind means (src/admin/admin-errors.ts).

export class StoreAdminError extends Error {
  constructor(readonly kind: 'not_found' | 'conflict' | 'invalid', message: string) {
    super(message)
  }
}

/** The id of the store with this hash; an unknown hash is a not_found error. */
export async function storeIdOf(db: Kysely<Database>, hash: string): Promise<number> {
  const row = await db.selectFrom('stores').select('id').where('hash', '=', hash).executeTakeFirst()
  if (!row) throw new StoreAdminError('not_found', `no store "${hash}"`)
  return row.id
}
