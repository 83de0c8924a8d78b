import { setTimeout as sleep } from 'node:timers/promises'
import type { Command } from 'commander'
import { EVENT_SCOPES, type EventScope } from '../db/outbox.js'
import { StoreAdminError, storeIdOf } from '../stores/lookup.js'
import { EventTail, lastEventId } from './event-tail.js'
import { print, withDatabase, type Db } from './shared.js'

// `clientele webhooks trigger` makes a realistic change whose event goes out through the normal
// path, as the Stripe CLI's `trigger` does (webhook-triggers.ts); `webhooks tail` prints a store's
// events and delivery outcomes as they happen (event-tail.ts).

async function eventsAfter(db: Db, storeId: number, after: number) {
  return db.selectFrom('webhook_events').select(['id', 'scope', 'data', 'hash']).where('store_id', '=', storeId).where('id', '>', after).orderBy('id').execute()
}

const colour = (code: number, text: string) => (process.stdout.isTTY ? `\u001b[${code}m${text}\u001b[0m` : text)

export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command('webhooks').description('webhook events: trigger one, or watch them go out')

  webhooks
    .command('trigger')
    .description(`make a change that fires <scope>, through the normal path; scopes: ${EVENT_SCOPES.join(', ')}`)
    .argument('<scope>', 'the event to fire')
    .requiredOption('--store <hash>', 'the store')
    .option('--customer <id>', 'change this customer instead of a fresh fake one', (value) => Number(value))
    .action((scope: string, options: { store: string; customer?: number }) =>
      withDatabase(async (db) => {
        if (!(EVENT_SCOPES as readonly string[]).includes(scope)) {
          throw new StoreAdminError('invalid', `unknown scope "${scope}"; one of: ${EVENT_SCOPES.join(', ')}`)
        }
        const storeId = await storeIdOf(db, options.store)
        const before = await lastEventId(db, storeId)
        const customerId = options.customer
        const { TRIGGERS } = await import('./webhook-triggers.js')
        await TRIGGERS[scope as EventScope]({ db, storeId, storeHash: options.store, ...(customerId === undefined ? {} : { customerId }) })
        // A trigger may make other events on the way (the fresh customer's own): all are listed.
        for (const event of await eventsAfter(db, storeId, before)) print(`${event.scope}\t${event.hash}\t${event.data}`)
      }),
    )

  webhooks
    .command('tail')
    .description("print a store's events and their delivery outcomes as they happen (Ctrl-C to stop)")
    .requiredOption('--store <hash>', 'the store')
    .option('--interval <ms>', 'how often to look', (value) => Number(value), 500)
    .action((options: { store: string; interval: number }) =>
      withDatabase(async (db) => {
        const storeId = await storeIdOf(db, options.store)
        const events = await EventTail.start(db, storeId)
        const seen = new Map<number, string>()
        const since = Date.now()
        let stop = false
        process.once('SIGINT', () => (stop = true))
        process.once('SIGTERM', () => (stop = true))
        while (!stop) {
          for (const event of await events.next()) print(`${colour(36, 'event')}    ${event.scope}  ${event.hash}  ${event.data}`)
          const deliveries = await db
            .selectFrom('webhook_deliveries')
            .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.hook_id')
            .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
            .select(['webhook_deliveries.id', 'webhook_deliveries.status', 'webhook_deliveries.attempts', 'webhook_deliveries.last_status',
              'webhook_deliveries.last_error', 'webhook_deliveries.last_latency_ms', 'webhooks.destination', 'webhook_events.scope'])
            .where('webhook_deliveries.store_id', '=', storeId)
            .where('webhook_deliveries.created_at', '>=', since)
            .orderBy('webhook_deliveries.id')
            .execute()
          for (const d of deliveries) {
            const state = `${d.status}:${d.attempts}`
            if (seen.get(d.id) === state || (d.attempts === 0 && d.status === 'pending')) continue
            seen.set(d.id, state)
            const outcome = d.status === 'delivered' ? colour(32, 'delivered') : d.status === 'failed' ? colour(31, 'failed') : colour(33, 'retrying')
            const answer = d.last_status === null ? (d.last_error ?? '') : `HTTP ${d.last_status}`
            print(`${colour(35, 'delivery')} ${outcome} ${d.scope} -> ${d.destination}  attempt ${d.attempts}  ${answer}  ${d.last_latency_ms ?? '-'} ms`)
          }
          await sleep(options.interval)
        }
      }),
    )
}
