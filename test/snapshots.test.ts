import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportStore } from '../src/stores/dump/export.js'
import { storeIdOf } from '../src/stores/lookup.js'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, errorBody, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { fillStore } from './helpers/full-store.js'

// Snapshots (/admin/stores/{hash}/snapshots): a store's data saved under a name and put back,
// atomically, with its API accounts and hooks left as they are.

const NOW = '2026-03-04T05:06:07Z'

describe.each(BACKENDS)('%s: store snapshots', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    t.clock.set(NOW)
  })
  afterAll(() => t.close())

  async function exported(hash: string): Promise<string> {
    let text = ''
    await exportStore(t.db, await storeIdOf(t.db, hash), (chunk) => {
      text += chunk
    })
    return text
  }

  async function filled(): Promise<TestStore> {
    const store = await t.newStore()
    await fillStore(t, store)
    return store
  }

  const save = (store: TestStore, body: unknown) => admin(t, 'POST', `/stores/${store.hash}/snapshots`, body)
  const restore = (store: TestStore, name: string) => admin(t, 'POST', `/stores/${store.hash}/snapshots/${name}/restore`)
  const emails = async (store: TestStore) => (await store.request('GET', '/customers')).body.data.map((c: { email: string }) => c.email)

  it('saves the store, lists it, and restores it: every change since is undone, and the store answers as before', async () => {
    const store = await filled()
    const before = await exported(store.hash)
    const saved = await save(store, { name: 'clean' })
    expect(saved.status).toBe(200)
    expect(saved.body.data).toEqual({ name: 'clean', date_created: NOW, customers: 2, rows: expect.any(Number), bytes: expect.any(Number) })
    expect(await admin(t, 'GET', `/stores/${store.hash}/snapshots`)).toMatchObject({ status: 200, body: { data: [saved.body.data] } })

    // Changes of every kind: a customer added, one changed, one deleted, an attribute, a channel's settings.
    const customers = (await store.request('GET', '/customers')).body.data
    expect((await store.request('POST', '/customers', [newCustomer({ email: 'new@example.com' })])).status).toBe(200)
    expect((await store.request('PUT', '/customers', [{ id: customers[0].id, first_name: 'Changed' }])).status).toBe(200)
    expect((await store.request('DELETE', `/customers?id:in=${customers[1].id}`)).status).toBe(204)
    expect((await store.request('POST', '/customers/attributes', [{ name: 'Later', type: 'string' }])).status).toBe(200)
    expect((await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { plan: 'plus' })).status).toBe(200)
    const tokenMadeLater = await store.tokenWith(['store_v2_customers'])

    const restored = await restore(store, 'clean')
    expect(restored).toMatchObject({ status: 200, body: { data: saved.body.data } })
    expect(await exported(store.hash)).toBe(before)
    expect(await emails(store)).toEqual(['ada@example.com', 'alan@example.com'])
    const list = (await store.request('GET', '/customers')).body
    expect(list.meta.pagination.total).toBe(2)
    expect(list.data[0].first_name).toBe('Ada')
    // Tokens (even one made after the snapshot) and hooks stay.
    expect((await store.request('GET', '/customers', undefined, { token: tokenMadeLater })).status).toBe(200)
    expect((await store.request('GET', '/hooks')).body.data).toHaveLength(1)
    // Ids go on from where the snapshot's store was: the next customer is 4 (3 was deleted before it).
    const next = await store.request('POST', '/customers', [newCustomer()])
    expect(next.body.data[0].id).toBe(4)
  })

  it('restores as often as asked, and emits no webhook events', async () => {
    const store = await filled()
    await save(store, { name: 'base' })
    const events = async () => (await t.db.selectFrom('webhook_events').select('id').where('store_id', '=', await storeIdOf(t.db, store.hash)).execute()).length
    for (let i = 0; i < 3; i++) {
      await store.request('POST', '/customers', [newCustomer({ email: `round${i}@example.com` })])
      expect((await restore(store, 'base')).status).toBe(200)
      expect(await emails(store)).toEqual(['ada@example.com', 'alan@example.com'])
      expect(await events()).toBe(0)
    }
  })

  it('is atomic: requests during a restore see the old store or the new one, never a mix', async () => {
    const store = await t.newStore()
    const many = Array.from({ length: 10 }, (_, i) => newCustomer({ email: `snap${i}@example.com` }))
    await store.request('POST', '/customers', many)
    await save(store, { name: 'ten' })
    await store.request('DELETE', `/customers?id:in=${[1, 2, 3, 4, 5, 6, 7].join(',')}`)
    const reads = Array.from({ length: 20 }, () => store.request('GET', '/customers?limit=50'))
    const [restored, ...answers] = await Promise.all([restore(store, 'ten'), ...reads])
    expect(restored!.status).toBe(200)
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect([3, 10]).toContain(answer.body.data.length)
      expect(answer.body.meta.pagination.total).toBe(answer.body.data.length)
    }
    expect((await store.request('GET', '/customers')).body.meta.pagination.total).toBe(10)
  })

  it('refuses a name taken (409) unless told to replace it, and replaces it then', async () => {
    const store = await filled()
    await save(store, { name: 'one' })
    await store.request('POST', '/customers', [newCustomer({ email: 'third@example.com' })])
    expect(await save(store, { name: 'one' })).toMatchObject({ status: 409, body: errorBody(409, `store "${store.hash}" has a snapshot "one" already (replace it with "replace": true)`) })
    const replaced = await save(store, { name: 'one', replace: true })
    expect(replaced.body.data.customers).toBe(3)
    expect((await admin(t, 'GET', `/stores/${store.hash}/snapshots`)).body.data.map((s: { name: string }) => s.name)).toEqual(['one'])
  })

  it('deletes a snapshot; a reset of the store keeps its snapshots', async () => {
    const store = await filled()
    await save(store, { name: 'keep' })
    await save(store, { name: 'drop' })
    expect((await admin(t, 'DELETE', `/stores/${store.hash}/snapshots/drop`)).status).toBe(204)
    expect((await admin(t, 'POST', `/stores/${store.hash}/reset`)).status).toBe(204)
    expect((await admin(t, 'GET', `/stores/${store.hash}/snapshots`)).body.data.map((s: { name: string }) => s.name)).toEqual(['keep'])
    expect(await emails(store)).toEqual([])
    expect((await restore(store, 'keep')).status).toBe(200)
    expect(await emails(store)).toEqual(['ada@example.com', 'alan@example.com'])
  })

  it('answers 404 for an unknown store or snapshot, 422 for a bad name, and changes nothing', async () => {
    const store = await filled()
    const before = await exported(store.hash)
    expect(await restore(store, 'nope')).toMatchObject({ status: 404, body: errorBody(404, `store "${store.hash}" has no snapshot "nope"`) })
    expect(await admin(t, 'DELETE', `/stores/${store.hash}/snapshots/nope`)).toMatchObject({ status: 404 })
    expect(await admin(t, 'POST', '/stores/no-such-store/snapshots', { name: 'x' })).toMatchObject({ status: 404, body: errorBody(404, 'no store "no-such-store"') })
    expect(await admin(t, 'GET', '/stores/no-such-store/snapshots')).toMatchObject({ status: 404 })
    expect(await save(store, { name: '../etc' })).toMatchObject({ status: 422 })
    expect(await save(store, { name: 'x', extra: 1 })).toMatchObject({ status: 422 })
    expect(await save(store, {})).toMatchObject({ status: 422 })
    expect((await admin(t, 'GET', `/stores/${store.hash}/snapshots`)).body.data).toEqual([])
    expect(await exported(store.hash)).toBe(before)
  })

  it('is behind the admin token', async () => {
    const store = await t.newStore()
    expect(await admin(t, 'POST', `/stores/${store.hash}/snapshots`, { name: 'x' }, null)).toMatchObject({ status: 401 })
    expect(await admin(t, 'GET', `/stores/${store.hash}/snapshots`, undefined, 'wrong')).toMatchObject({ status: 401 })
  })
})
