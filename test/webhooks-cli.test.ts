import { describe, expect, it } from 'vitest'
import { EVENT_SCOPES } from '../src/db/outbox.js'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { EventTail } from '../src/cli/event-tail.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { start, useProcessDatabase } from './helpers/process.js'

// `clientele webhooks trigger <scope>` as a real process: each scope's change is made through the
// services, so its event is in the outbox (and so goes out as any other would); the command lists
// the events it caused.

describe.each(BACKENDS)('%s: clientele webhooks trigger', (backend: Backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database

  it('fires every scope Clientele emits, each with its event in the outbox', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })
    for (const scope of EVENT_SCOPES) {
      const result = await clientele('webhooks', 'trigger', scope, '--store', 'shop-a')
      expect(result, scope).toMatchObject({ code: 0, stderr: '' })
      const lines = result.stdout.trim().split('\n').map((line) => line.split('\t'))
      // The last event is the one asked for (a fresh customer's own created event may come first).
      const [printedScope, hash, data] = lines.at(-1)!
      expect(printedScope, scope).toBe(scope)
      const row = await db.selectFrom('webhook_events').select(['scope', 'data']).where('hash', '=', hash!).executeTakeFirstOrThrow()
      expect(row).toEqual({ scope, data })
    }
  }, 180_000)

  it('changes the customer it is given, and refuses an unknown scope or store with exit code 2', async () => {
    const db = await database.open()
    await createStore(db, 'shop-b')
    const first = await clientele('webhooks', 'trigger', 'store/customer/created', '--store', 'shop-b')
    const id = JSON.parse(first.stdout.trim().split('\t')[2]!).id as number
    const updated = await clientele('webhooks', 'trigger', 'store/customer/updated', '--store', 'shop-b', '--customer', String(id))
    expect(updated.code).toBe(0)
    expect(updated.stdout.trim().split('\n')).toHaveLength(1)
    expect(JSON.parse(updated.stdout.split('\t')[2]!)).toMatchObject({ type: 'customer', id })

    expect(await clientele('webhooks', 'trigger', 'store/order/created', '--store', 'shop-b')).toMatchObject({ code: 2 })
    expect(await clientele('webhooks', 'trigger', 'store/customer/created', '--store', 'nope')).toMatchObject({ code: 2 })
  })

  it('webhooks tail prints an event that commits after one with a higher id, once each, and nothing that was there before it', async () => {
    const db = await database.open()
    await createStore(db, 'shop-d')
    const storeId = (await db.selectFrom('stores').select('id').where('hash', '=', 'shop-d').executeTakeFirstOrThrow()).id
    // Ids given as a writer would have taken them: the order of commits is the test's.
    const commit = (id: number) =>
      db.insertInto('webhook_events').values({
        id, store_id: storeId, scope: 'store/customer/created', data: `{"type":"customer","id":${id}}`, hash: String(id).padStart(40, '0'), created_at: 0, dispatched: 1,
      }).execute()
    const ids = async (now: number) => (await tail.next(now)).map((event) => event.id)
    await commit(10)
    // A tail whose writers take at most 1,000 ms from taking an id to committing; times are the test's.
    const tail = await EventTail.start(db, storeId, 1_000, 0)
    await commit(30)
    expect(await ids(100)).toEqual([30])
    // A writer that took 20 before 30 was taken commits after it: printed then, once.
    await commit(20)
    expect(await ids(200)).toEqual([20])
    expect(await ids(300)).toEqual([])
    await commit(25)
    await commit(40)
    expect(await ids(400)).toEqual([25, 40])
    // 1,000 ms on, what was at or below the highest id seen then (40) is not read again.
    expect(await ids(1_500)).toEqual([])
    await commit(35)
    await commit(50)
    expect(await ids(1_600)).toEqual([50])
  })

  it('webhooks tail prints each new event as it is recorded, and delivery outcomes, until stopped', async () => {
    const db = await database.open()
    await createStore(db, 'shop-c')
    const tail = start(['webhooks', 'tail', '--store', 'shop-c', '--interval', '50'], database.env)
    // Only what happens after it starts: an event made now is printed.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const made = await clientele('webhooks', 'trigger', 'store/customer/created', '--store', 'shop-c')
    const hash = made.stdout.trim().split('\t')[1]!
    const line = await tail.waitForLine(new RegExp(hash), 15_000)
    expect(line).toMatch(/^event +store\/customer\/created +[0-9a-f]{40} +\{"type":"customer","id":\d+/)
    // A delivery outcome, as the worker of a server would leave it.
    const storeId = (await db.selectFrom('stores').select('id').where('hash', '=', 'shop-c').executeTakeFirstOrThrow()).id
    const account = await createAccount(db, { storeHash: 'shop-c', scopes: ALL_SCOPES })
    const hook = await db.insertInto('webhooks').values({
      store_id: storeId, client_id: account.client_id, scope: 'store/customer/*', destination: 'http://127.0.0.1:9/hook', status: 'active',
      headers: null, created_at: 0, updated_at: 0,
    }).returning('id').executeTakeFirstOrThrow()
    const event = await db.selectFrom('webhook_events').select('id').where('hash', '=', hash).executeTakeFirstOrThrow()
    await db.insertInto('webhook_deliveries').values({
      store_id: storeId, event_id: event.id, hook_id: hook.id, status: 'pending', attempts: 1, next_attempt_at: Date.now() + 60_000,
      lease_until: 0, last_status: 500, last_error: 'status 500', last_latency_ms: 3, created_at: Date.now(), delivered_at: null,
    }).execute()
    expect(await tail.waitForLine(/^delivery/, 15_000)).toMatch(/retrying store\/customer\/created -> http:\/\/127\.0\.0\.1:9\/hook +attempt 1 +HTTP 500 +3 ms/)
    expect(await tail.stop('SIGINT')).toMatchObject({ code: 0 })
  }, 60_000)
})
