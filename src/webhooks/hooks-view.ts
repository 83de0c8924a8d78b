import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { storeIdOf } from '../stores/lookup.js'

// Every API account's hooks of a store, as the admin API shows them (GET .../hooks): the Webhooks
// API shows an account its own hooks only; the console shows who subscribed to what.

/** active; inactive: its account set is_active false; deactivated: its deliveries used every retry */
export type HookStatus = 'active' | 'inactive' | 'deactivated'

export interface HookView {
  id: number
  client_id: string
  scope: string
  destination: string
  /** false when its account switched it off or its deliveries used every retry */
  is_active: boolean
  status: HookStatus
  /** Unix seconds */
  created_at: number
  updated_at: number
}

export async function listStoreHooks(db: Kysely<Database>, storeHash: string): Promise<HookView[]> {
  const storeId = await storeIdOf(db, storeHash)
  const rows = await db
    .selectFrom('webhooks')
    .select(['id', 'client_id', 'scope', 'destination', 'status', 'created_at', 'updated_at'])
    .where('store_id', '=', storeId)
    .orderBy('client_id')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ ...row, status: row.status as HookStatus, is_active: row.status === 'active' }))
}
