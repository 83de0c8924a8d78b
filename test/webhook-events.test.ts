import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { admin } from './helpers/admin.js'
import { buildTestApp, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { BACKENDS } from './helpers/backends.js'
import { createCustomer, postCustomers } from './helpers/customers.js'
import { AKRON } from './helpers/subresources.js'

// The outbox (src/db/outbox.ts): every write BigCommerce makes an event for records it in the
// write's own transaction, one per record changed, with the documented `data`
// (docs/COMPATIBILITY.md "Webhooks"); a refused write records none. Delivery is tested apart.

interface Recorded {
  scope: string
  data: unknown
}

describe.each(BACKENDS)('%s: events of writes', (backend) => {
  let t: TestApp
  let store: TestStore
  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())
  beforeEach(async () => {
    store = await t.newStore()
  })

  /** The store's events after `mark` (an event id), oldest first. */
  async function eventsOf(after = 0): Promise<Recorded[]> {
    const rows = await t.db
      .selectFrom('webhook_events')
      .innerJoin('stores', 'stores.id', 'webhook_events.store_id')
      .select(['webhook_events.id', 'webhook_events.scope', 'webhook_events.data'])
      .where('stores.hash', '=', store.hash)
      .where('webhook_events.id', '>', after)
      .orderBy('webhook_events.id')
      .execute()
    return rows.map((row) => ({ scope: row.scope, data: JSON.parse(row.data) }))
  }

  /** The id of the store's newest event, to read only what follows. */
  async function mark(): Promise<number> {
    const row = await t.db
      .selectFrom('webhook_events')
      .innerJoin('stores', 'stores.id', 'webhook_events.store_id')
      .select((eb) => eb.fn.max('webhook_events.id').as('last'))
      .where('stores.hash', '=', store.hash)
      .executeTakeFirst()
    return Number(row?.last ?? 0)
  }

  const customerData = (id: number, channels: number[] | null = null) => ({ type: 'customer', id, origin_channel_id: 1, channel_ids: channels })

  describe('customers', () => {
    it('POST: one store/customer/created per customer, in order, with its channels', async () => {
      const [a, b] = await postCustomers(store, {}, {})
      expect(await eventsOf()).toEqual([
        { scope: 'store/customer/created', data: customerData(a!.id) },
        { scope: 'store/customer/created', data: customerData(b!.id) },
      ])
    })

    it('every event has its own 40-hex hash, a store id and a time', async () => {
      await postCustomers(store, {}, {})
      const rows = await t.db.selectFrom('webhook_events').innerJoin('stores', 'stores.id', 'webhook_events.store_id')
        .select(['webhook_events.hash', 'webhook_events.created_at', 'webhook_events.store_id', 'stores.id as sid'])
        .where('stores.hash', '=', store.hash).execute()
      expect(rows).toHaveLength(2)
      for (const row of rows) {
        expect(row.hash).toMatch(/^[0-9a-f]{40}$/)
        expect(row.store_id).toBe(row.sid)
        expect(Math.abs(row.created_at - Date.now() / 1000)).toBeLessThan(60)
      }
      expect(rows[0]!.hash).not.toBe(rows[1]!.hash)
    })

    it('a refused POST records nothing (an email in use, a bad address in the batch)', async () => {
      const taken = await postCustomers(store, {})
      const before = await mark()
      const duplicate = await store.request('POST', '/customers', [newCustomer(), newCustomer({ email: taken[0]!.email })])
      expect(duplicate.status).toBe(422)
      const badAddress = await store.request('POST', '/customers', [newCustomer({ addresses: [{ ...AKRON, country_code: 'XX' }] })])
      expect(badAddress.status).toBe(422)
      expect(await eventsOf(before)).toEqual([])
    })

    it('POST with addresses: the customer, then each address created in it', async () => {
      const [customer] = await postCustomers(store, { addresses: [AKRON, { ...AKRON, address1: '2 Main Street' }] })
      const addresses = (await store.request('GET', `/customers/addresses?customer_id:in=${customer!.id}`)).body.data as { id: number }[]
      expect(await eventsOf()).toEqual([
        { scope: 'store/customer/created', data: customerData(customer!.id) },
        ...addresses.map((a) => ({ scope: 'store/customer/address/created', data: { type: 'customer', id: a.id, address: { customer_id: customer!.id } } })),
      ])
    })

    it('PUT: one store/customer/updated per customer, with its channels as they are now', async () => {
      const [a, b] = await postCustomers(store, {}, {})
      const before = await mark()
      const res = await store.request('PUT', '/customers', [{ id: a!.id, first_name: 'Ada' }, { id: b!.id, notes: 'n' }, { id: a!.id, last_name: 'L' }])
      expect(res.status).toBe(200)
      expect(await eventsOf(before)).toEqual([
        { scope: 'store/customer/updated', data: customerData(a!.id) },
        { scope: 'store/customer/updated', data: customerData(b!.id) },
      ])
    })

    it('PUT that changes channel_ids also records store/customer/channel/login/access/updated; one that keeps them does not', async () => {
      await admin(t, 'POST', `/stores/${store.hash}/channels`, { id: 2, name: 'Second' })
      const id = await createCustomer(store)
      const before = await mark()
      expect((await store.request('PUT', '/customers', [{ id, channel_ids: [1, 2] }])).status).toBe(200)
      expect(await eventsOf(before)).toEqual([
        { scope: 'store/customer/updated', data: customerData(id, [1, 2]) },
        { scope: 'store/customer/channel/login/access/updated', data: { customer_id: id, channel_ids: [1, 2] } },
      ])
      const again = await mark()
      expect((await store.request('PUT', '/customers', [{ id, channel_ids: [1, 2], notes: 'same channels' }])).status).toBe(200)
      expect(await eventsOf(again)).toEqual([{ scope: 'store/customer/updated', data: customerData(id, [1, 2]) }])
    })

    it('a refused PUT records nothing', async () => {
      const id = await createCustomer(store)
      const before = await mark()
      const res = await store.request('PUT', '/customers', [{ id, first_name: 'Ok' }, { id: id + 1000, first_name: 'Missing' }])
      expect(res.status).toBe(422)
      expect(await eventsOf(before)).toEqual([])
    })

    it('DELETE: one store/customer/deleted per customer that existed, none for its addresses or unknown ids', async () => {
      const [a, b] = await postCustomers(store, { addresses: [AKRON] }, {})
      const before = await mark()
      expect((await store.request('DELETE', `/customers?id:in=${b!.id},${a!.id},99999`)).status).toBe(204)
      expect(await eventsOf(before)).toEqual([
        { scope: 'store/customer/deleted', data: { type: 'customer', id: a!.id } },
        { scope: 'store/customer/deleted', data: { type: 'customer', id: b!.id } },
      ])
    })
  })

  describe('addresses', () => {
    it('POST, PUT and DELETE /customers/addresses: one event per address changed', async () => {
      const customer = await createCustomer(store)
      const before = await mark()
      const created = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer }])
      expect(created.status).toBe(200)
      const id = created.body.data[0].id as number
      const address = { type: 'customer', id, address: { customer_id: customer } }
      expect((await store.request('PUT', '/customers/addresses', [{ id, city: 'Cleveland', postal_code: '44101' }])).status).toBe(200)
      expect((await store.request('DELETE', `/customers/addresses?id:in=${id},99999`)).status).toBe(204)
      expect(await eventsOf(before)).toEqual([
        { scope: 'store/customer/address/created', data: address },
        { scope: 'store/customer/address/updated', data: address },
        { scope: 'store/customer/address/deleted', data: address },
      ])
    })

    it('an address identical to one the customer has (not written) records nothing; nor does a refused one', async () => {
      const [customer] = await postCustomers(store, { addresses: [AKRON] })
      const before = await mark()
      const twin = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer!.id }])
      expect(twin.status).toBe(200)
      expect(twin.body.data).toEqual([])
      const refused = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer!.id, country_code: 'XX' }])
      expect(refused.status).toBe(422)
      expect(await eventsOf(before)).toEqual([])
    })
  })

  describe('cart metafields', () => {
    const cart = randomUUID()
    const metafield = { namespace: 'App', key: 'k', value: 'v', permission_set: 'app_only' }

    it('create, update and delete, single and batch: one event each, with the metafield, cart and namespace', async () => {
      const one = await store.request('POST', `/carts/${cart}/metafields`, metafield)
      expect(one.status).toBe(200)
      const batch = await store.request('POST', '/carts/metafields', [{ ...metafield, key: 'k2', resource_id: cart }])
      expect(batch.status).toBe(200)
      const [first, second] = [one.body.data.id as number, batch.body.data[0].id as number]
      expect((await store.request('PUT', `/carts/${cart}/metafields/${first}`, { value: 'w' })).status).toBe(200)
      expect((await store.request('DELETE', '/carts/metafields', [first, second])).status).toBe(200)
      const data = (id: number) => ({ metafield_id: id, resource_id: cart, namespace: 'App' })
      expect(await eventsOf()).toEqual([
        { scope: 'store/cart/metafield/created', data: data(first) },
        { scope: 'store/cart/metafield/created', data: data(second) },
        { scope: 'store/cart/metafield/updated', data: data(first) },
        { scope: 'store/cart/metafield/deleted', data: data(first) },
        { scope: 'store/cart/metafield/deleted', data: data(second) },
      ])
    })

    it('a batch records events for the items that succeeded only', async () => {
      await store.request('POST', `/carts/${cart}/metafields`, metafield)
      const before = await mark()
      const res = await store.request('POST', '/carts/metafields', [
        { ...metafield, resource_id: cart },
        { ...metafield, key: 'fresh', resource_id: cart },
      ])
      expect(res.status).toBe(422)
      const made = res.body.data[0].id as number
      expect(await eventsOf(before)).toEqual([{ scope: 'store/cart/metafield/created', data: { metafield_id: made, resource_id: cart, namespace: 'App' } }])
    })

    it('customer metafields record nothing (no source names an event for them)', async () => {
      const customer = await createCustomer(store)
      const before = await mark()
      expect((await store.request('POST', `/customers/${customer}/metafields`, metafield)).status).toBe(200)
      expect(await eventsOf(before)).toEqual([])
    })
  })

  it('attribute values, form field values, consent and settings record nothing', async () => {
    const customer = await createCustomer(store)
    const attribute = await store.request('POST', '/customers/attributes', [{ name: 'Size', type: 'string' }])
    const before = await mark()
    expect((await store.request('PUT', '/customers/attribute-values', [{ customer_id: customer, attribute_id: attribute.body.data[0].id, value: 'L' }])).status).toBe(200)
    expect((await store.request('PUT', `/customers/${customer}/consent`, { allow: ['analytics'] })).status).toBe(200)
    expect((await store.request('PUT', '/customers/settings', { privacy_settings: { policy_url: 'https://example.com' } })).status).toBe(200)
    expect(await eventsOf(before)).toEqual([])
  })

  describe('stored instruments (admin fixtures)', () => {
    const card = {
      type: 'stored_card', token: 'card-1', is_default: true, brand: 'VISA', expiry_month: 1, expiry_year: 2030,
      issuer_identification_number: '411111', last_4: '1111',
      billing_address: { first_name: 'A', last_name: 'B', email: 'a@example.com', company: '', address1: '1 St', address2: '', city: 'Akron',
        postal_code: '44325', state_or_province: 'Ohio', state_or_province_code: 'OH', country_code: 'US', phone: '' },
    }

    it('a new default, and removing the default, each record the default-instrument event; a non-default add does not', async () => {
      const customer = await createCustomer(store)
      const path = `/stores/${store.hash}/customers/${customer}/stored-instruments`
      expect((await admin(t, 'POST', path, card)).status).toBe(200)
      expect((await admin(t, 'POST', path, { ...card, token: 'card-2', is_default: false })).status).toBe(200)
      expect((await admin(t, 'DELETE', `${path}/card-2`)).status).toBe(204)
      expect((await admin(t, 'DELETE', `${path}/card-1`)).status).toBe(204)
      const changed = { scope: 'store/customer/payment/instrument/default/updated', data: { type: 'customer', id: customer } }
      expect(await eventsOf()).toEqual([{ scope: 'store/customer/created', data: customerData(customer) }, changed, changed])
    })
  })
})
