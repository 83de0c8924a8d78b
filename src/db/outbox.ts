import { createHash, randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Database } from './schema.js'

// The outbox: the events a change makes are written by the change's own transaction, so a
// committed change always has its events and a refused or rolled-back one never does, and a crash
// after the commit loses none (the delivery worker, src/webhooks/, sends them from this table).
// Which writes make which events: docs/COMPATIBILITY.md "Webhooks".

export const EVENT_SCOPES = [
  'store/customer/created',
  'store/customer/updated',
  'store/customer/deleted',
  'store/customer/address/created',
  'store/customer/address/updated',
  'store/customer/address/deleted',
  'store/customer/payment/instrument/default/updated',
  'store/customer/channel/login/access/updated',
  'store/cart/metafield/created',
  'store/cart/metafield/updated',
  'store/cart/metafield/deleted',
] as const

export type EventScope = (typeof EVENT_SCOPES)[number]

/** An event as its write sees it: the envelope's `scope` and `data` (WEBHOOKS.md (c)). */
export interface DomainEvent {
  scope: EventScope
  data: Record<string, unknown>
}

// Bulk writes that are not an app's (`clientele seed`) make no events: their transactions are
// marked, and every write path's recordEvents leaves them out, wherever it is called from.
const silent = new WeakSet<Transaction<Database>>()

/** Marks a transaction whose writes make no webhook events; returns it. */
export function withoutEvents(trx: Transaction<Database>): Transaction<Database> {
  silent.add(trx)
  return trx
}

/**
 * Writes the events in the change's transaction. Each gets its `hash` here, once: a SHA-1 that
 * names this event (not its content: two equal changes are two events), the same in every attempt.
 */
export async function recordEvents(trx: Transaction<Database>, storeId: number, events: readonly DomainEvent[]): Promise<void> {
  if (events.length === 0 || silent.has(trx)) return
  const createdAt = Math.floor(Date.now() / 1000)
  await trx
    .insertInto('webhook_events')
    .values(
      events.map((event) => {
        const data = JSON.stringify(event.data)
        return {
          store_id: storeId,
          scope: event.scope,
          data,
          hash: createHash('sha1').update(`${randomUUID()}\n${event.scope}\n${data}`).digest('hex'),
          created_at: createdAt,
          dispatched: 0,
        }
      }),
    )
    .execute()
}

/** The body of a delivery (and of a `/hooks/events` item), in the documented key order (WEBHOOKS.md (b)). */
export interface EventEnvelope {
  scope: string
  store_id: string
  data: Record<string, unknown>
  hash: string
  created_at: number
  producer: string
}

export function envelopeOf(event: { store_id: number; scope: string; data: string; hash: string; created_at: number }, storeHash: string): EventEnvelope {
  return {
    scope: event.scope,
    store_id: String(event.store_id),
    data: JSON.parse(event.data) as Record<string, unknown>,
    hash: event.hash,
    created_at: event.created_at,
    producer: `stores/${storeHash}`,
  }
}
