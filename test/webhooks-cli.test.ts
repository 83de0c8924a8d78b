import { describe, expect, it } from 'vitest'
import { EVENT_SCOPES } from '../src/db/outbox.js'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { useProcessDatabase } from './helpers/process.js'

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
})
