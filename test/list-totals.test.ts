import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { newMetafield } from './helpers/metafields.js'

// Filtered list totals are counted once and kept until the next write of what they count
// (src/db/cached-counts.ts). These tests read a total, write, and read it again, through every
// kind of write that changes it, on one node and from a second node whose own cache never saw
// the write (on PostgreSQL a process of its own on the same database; on SQLite a second app on
// the same handle).

const total = async (store: TestStore, query: string) => {
  const res = await store.request('GET', `${query}${query.includes('?') ? '&' : '?'}limit=1`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.meta.pagination.total as number
}

describe.each(BACKENDS)('%s: filtered list totals', (backend) => {
  let t: TestApp
  let other: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    other = await buildTestApp(backend, backend === 'sqlite' ? { db: t.db } : {})
  })
  afterAll(async () => {
    await other.close()
    await t.close()
  })

  /** The same store as seen through the second node. */
  const onOther = (store: TestStore): TestStore => ({
    ...store,
    request: (method, path, body, options = {}) =>
      other.app.inject({ method: method as 'GET', url: `/stores/${store.hash}/v3${path}`, headers: { 'x-auth-token': options.token ?? store.token, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) })
        .then((r) => ({ status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined, headers: r.headers, text: r.body })),
  })

  it('follows creates, updates and deletes of customers, on both nodes', async () => {
    const store = await t.newStore()
    const far = onOther(store)
    const query = '/customers?company:in=Acme'
    expect(await total(store, query)).toBe(0)
    expect(await total(far, query)).toBe(0)
    const created = await store.request('POST', '/customers', [newCustomer({ company: 'Acme' }), newCustomer({ company: 'Acme' }), newCustomer()])
    expect(created.status).toBe(200)
    expect(await total(store, query)).toBe(2)
    expect(await total(far, query)).toBe(2)
    // Written through the other node: the first one's kept total must move too.
    expect((await far.request('PUT', '/customers', [{ id: created.body.data[2].id, company: 'Acme' }])).status).toBe(200)
    expect(await total(store, query)).toBe(3)
    expect((await store.request('PUT', '/customers', [{ id: created.body.data[0].id, company: 'Globex' }])).status).toBe(200)
    expect(await total(far, query)).toBe(2)
    expect(await total(store, `${query},Globex`)).toBe(3)
    expect((await far.request('DELETE', `/customers?id:in=${created.body.data[1].id}`)).status).toBe(204)
    expect(await total(store, query)).toBe(1)
    // A refused batch writes nothing, and the total stays.
    expect((await store.request('POST', '/customers', [newCustomer({ company: 'Acme' }), { first_name: 'no email' }])).status).toBe(422)
    expect(await total(store, query)).toBe(1)
  })

  it('starts again after a store reset, and is never another store\'s', async () => {
    const store = await t.newStore()
    const neighbour = await t.newStore()
    await store.request('POST', '/customers', [newCustomer({ company: 'Acme' })])
    await neighbour.request('POST', '/customers', [newCustomer({ company: 'Acme' }), newCustomer({ company: 'Acme' })])
    expect(await total(store, '/customers?company:in=Acme')).toBe(1)
    expect(await total(neighbour, '/customers?company:in=Acme')).toBe(2)
    expect((await admin(t, 'POST', `/stores/${store.hash}/reset`)).status).toBe(204)
    expect(await total(store, '/customers?company:in=Acme')).toBe(0)
    expect(await total(onOther(store), '/customers?company:in=Acme')).toBe(0)
    await store.request('POST', '/customers', [newCustomer({ company: 'Acme' }), newCustomer({ company: 'Acme' }), newCustomer({ company: 'Acme' })])
    expect(await total(store, '/customers?company:in=Acme')).toBe(3)
    expect(await total(neighbour, '/customers?company:in=Acme')).toBe(2)
  })

  it('follows metafield writes in the store-wide list, per account, and a customer deletion that takes its metafields', async () => {
    const store = await t.newStore()
    const created = await store.request('POST', '/customers', [newCustomer(), newCustomer()])
    const [a, b] = created.body.data.map((c: { id: number }) => c.id)
    const otherToken = await store.tokenWith(['store_v2_customers'])
    const all = '/customers/metafields'
    expect(await total(store, all)).toBe(0)
    const batch = await store.request('POST', all, [
      { ...newMetafield({ permission_set: 'app_only' }), resource_id: a },
      { ...newMetafield({ permission_set: 'read' }), resource_id: b },
    ])
    expect(batch.status, JSON.stringify(batch.body)).toBe(200)
    expect(await total(store, all)).toBe(2)
    // Another account does not see the app_only one: its total is its own.
    const seen = await store.request('GET', `${all}?limit=1`, undefined, { token: otherToken })
    expect(seen.body.meta.pagination.total).toBe(1)
    expect(await total(onOther(store), all)).toBe(2)
    expect((await onOther(store).request('DELETE', `/customers?id:in=${a}`)).status).toBe(204)
    expect(await total(store, all)).toBe(1)
    const id = batch.body.data[1].id
    expect((await store.request('DELETE', `${all}`, [id])).status).toBe(200)
    expect(await total(store, all)).toBe(0)
  })

  it('follows address and attribute value writes, an attribute deletion and a customer deletion that take them with them', async () => {
    const store = await t.newStore()
    let street = 0
    // Each one different: an address identical to one the customer has is not added again.
    const address = (customer_id: number) => ({ customer_id, first_name: 'A', last_name: 'B', address1: `${(street += 1)} Main St`, city: 'Austin', country_code: 'US', state_or_province: 'Texas', postal_code: '78701' })
    const created = await store.request('POST', '/customers', [newCustomer(), newCustomer()])
    const [a, b] = created.body.data.map((c: { id: number }) => c.id)
    expect(await total(store, '/customers/addresses')).toBe(0)
    expect((await store.request('POST', '/customers/addresses', [address(a), address(a), address(b)])).status).toBe(200)
    expect(await total(store, '/customers/addresses')).toBe(3)
    expect(await total(store, `/customers/addresses?customer_id:in=${a}`)).toBe(2)
    expect((await onOther(store).request('DELETE', `/customers?id:in=${a}`)).status).toBe(204)
    expect(await total(store, '/customers/addresses')).toBe(1)
    expect(await total(store, `/customers/addresses?customer_id:in=${a}`)).toBe(0)

    const attributes = await store.request('POST', '/customers/attributes', [{ name: 'Nickname', type: 'string' }, { name: 'Tier', type: 'string' }])
    expect(attributes.status).toBe(200)
    const [nickname, tier] = attributes.body.data.map((x: { id: number }) => x.id)
    expect(await total(store, '/customers/attribute-values')).toBe(0)
    const values = await store.request('PUT', '/customers/attribute-values', [
      { customer_id: b, attribute_id: nickname, value: 'Bee' },
      { customer_id: b, attribute_id: tier, value: 'Gold' },
    ])
    expect(values.status, JSON.stringify(values.body)).toBe(200)
    expect(await total(store, '/customers/attribute-values')).toBe(2)
    expect((await onOther(store).request('DELETE', `/customers/attributes?id:in=${tier}`)).status).toBe(204)
    expect(await total(store, '/customers/attribute-values')).toBe(1)
    expect((await store.request('DELETE', `/customers?id:in=${b}`)).status).toBe(204)
    expect(await total(store, '/customers/attribute-values')).toBe(0)
    expect(await total(onOther(store), '/customers/addresses')).toBe(0)
  })

  it('a metafield batch whose every item is refused changes nothing, not even a write version', async () => {
    const store = await t.newStore()
    const created = await store.request('POST', '/customers', [newCustomer()])
    const id = created.body.data[0].id
    const first = await store.request('POST', '/customers/metafields', [{ ...newMetafield({ key: 'k' }), resource_id: id }])
    expect(first.status).toBe(200)
    const { id: storeId } = await t.db.selectFrom('stores').select('id').where('hash', '=', store.hash).executeTakeFirstOrThrow()
    const counters = () => t.db.selectFrom('store_counters').select(['name', 'slot', 'value']).where('store_id', '=', storeId).orderBy('name').orderBy('slot').execute()
    const before = await counters()
    // The same identity again: every item refused, a 422 that commits nothing.
    const again = await store.request('POST', '/customers/metafields', [{ ...newMetafield({ key: 'k' }), resource_id: id }])
    expect(again.status).toBe(422)
    expect(again.body.meta).toMatchObject({ success: 0, failed: 1 })
    expect(await counters()).toEqual(before)
    expect(await total(store, '/customers/metafields')).toBe(1)
  })

  it('a store deleted and made again under the same hash starts from its own rows, not the old totals', async () => {
    const store = await t.newStore()
    await store.request('POST', '/customers', [newCustomer({ company: 'Acme' }), newCustomer({ company: 'Acme' })])
    expect(await total(store, '/customers?company:in=Acme')).toBe(2)
    expect((await admin(t, 'DELETE', `/stores/${store.hash}`)).status).toBe(204)
    expect((await admin(t, 'POST', '/stores', { hash: store.hash })).status).toBe(200)
    const created = await admin(t, 'POST', `/stores/${store.hash}/tokens`, { scopes: ['store_v2_customers'] })
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    const token = created.body.data.access_token as string
    const again: TestStore = { ...store, token, request: (method, path, body, options = {}) => store.request(method, path, body, { token, ...options }) }
    expect(await total(again, '/customers?company:in=Acme')).toBe(0)
    await again.request('POST', '/customers', [newCustomer({ company: 'Acme' })])
    expect(await total(again, '/customers?company:in=Acme')).toBe(1)
    expect(await total(onOther(again), '/customers?company:in=Acme')).toBe(1)
  })
})
