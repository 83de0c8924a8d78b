import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { StoreAdminError, storeIdOf } from '../stores/lookup.js'

// A store's webhook deliveries as the admin API shows them (GET .../webhook-deliveries), and a
// redelivery: the delivery pending again and due now, with the whole retry schedule ahead of it.

export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

export interface DeliveryView {
  id: number
  event: { id: number; scope: string; hash: string; created_at: number }
  hook: { id: number; destination: string }
  status: DeliveryStatus
  attempts: number
  last_status: number | null
  last_error: string | null
  last_latency_ms: number | null
  /** ISO 8601; null once the delivery is delivered or failed */
  next_attempt_at: string | null
  /** ISO 8601 */
  delivered_at: string | null
}

function deliveries(db: Kysely<Database>, storeId: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhooks as h', 'h.id', 'd.hook_id')
    .select([
      'd.id', 'd.status', 'd.attempts', 'd.last_status', 'd.last_error', 'd.last_latency_ms', 'd.next_attempt_at', 'd.delivered_at',
      'e.id as event_id', 'e.scope', 'e.hash', 'e.created_at as event_created_at', 'h.id as hook_id', 'h.destination',
    ])
    .where('d.store_id', '=', storeId)
}

type Row = Awaited<ReturnType<ReturnType<typeof deliveries>['executeTakeFirstOrThrow']>>

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString())

function toView(row: Row): DeliveryView {
  return {
    id: row.id,
    event: { id: row.event_id, scope: row.scope, hash: row.hash, created_at: row.event_created_at },
    hook: { id: row.hook_id, destination: row.destination },
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    last_status: row.last_status,
    last_error: row.last_error,
    last_latency_ms: row.last_latency_ms,
    next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    delivered_at: iso(row.delivered_at),
  }
}

/** The store's most recent deliveries first. */
export async function listDeliveries(db: Kysely<Database>, storeHash: string, limit: number): Promise<DeliveryView[]> {
  const storeId = await storeIdOf(db, storeHash)
  const rows = await deliveries(db, storeId).orderBy('d.id', 'desc').limit(limit).execute()
  return rows.map(toView)
}

/**
 * Makes a delivery pending and due now, its attempts counted from 0 again. Its hook is left as it
 * is: the delivery of a hook that is not active waits until the hook is active again.
 */
export async function redeliver(db: Kysely<Database>, storeHash: string, id: number, nowMs: number): Promise<DeliveryView> {
  const storeId = await storeIdOf(db, storeHash)
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: nowMs })
    .where('id', '=', id)
    .where('store_id', '=', storeId)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) throw new StoreAdminError('not_found', `no webhook delivery ${id} in store "${storeHash}"`)
  return toView(await deliveries(db, storeId).where('d.id', '=', id).executeTakeFirstOrThrow())
}
