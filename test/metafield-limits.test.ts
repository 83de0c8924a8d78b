import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, ERROR_TYPE, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'
import { account, customersAccount, newMetafield, randomCartId } from './helpers/metafields.js'

// How many metafields a resource holds (DECISIONS 12): a customer 250 per owning API account; a
// cart 10 per owning account and 250 in all. One more is a 422, on the single and batch routes.

const LIMIT = 'The metafield limit of this resource has been reached.'
const PER_CUSTOMER_OWNER = 'a customer holds at most 250 metafields of one API account'
const PER_CART_OWNER = 'a cart holds at most 10 metafields of one API account'
const PER_CART = 'a cart holds at most 250 metafields'

/** Creates `n` metafields on a resource through the batch route, 50 at a time. */
async function fill(store: TestStore, collection: string, resourceId: number | string, n: number, token?: string): Promise<void> {
  for (let done = 0; done < n; done += 50) {
    const items = Array.from({ length: Math.min(50, n - done) }, () => newMetafield({ resource_id: resourceId }))
    const res = await store.request('POST', `/${collection}/metafields`, items, token ? { token } : {})
    expect(res.status).toBe(200)
  }
}

async function countOn(store: TestStore, path: string): Promise<number> {
  const res = await store.request('GET', `${path}?limit=1`)
  return res.body.meta.pagination.total
}

describe.each(BACKENDS)('%s: metafield limits', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  describe('customers: 250 per owning account', () => {
    it('takes the 250th, refuses the 251st with 422, and writes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      await fill(store, 'customers', customer, 249)
      const last = await store.request('POST', `/customers/${customer}/metafields`, newMetafield())
      expect(last.status).toBe(200)
      const over = await store.request('POST', `/customers/${customer}/metafields`, newMetafield())
      expect(over.status).toBe(422)
      expect(over.body).toEqual(errorBody(422, LIMIT, { resource_id: PER_CUSTOMER_OWNER }))
      expect(await countOn(store, `/customers/${customer}/metafields`)).toBe(250)
    })

    it('counts per account: another account still adds to a customer its neighbour filled', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      await fill(store, 'customers', customer, 250)
      const other = await customersAccount(store, 'app-b')
      const res = await store.request('POST', `/customers/${customer}/metafields`, newMetafield(), { token: other.token })
      expect(res.status).toBe(200)
    })

    it('counts per customer: the same account still adds to another customer', async () => {
      const store = await t.newStore()
      const [full, other] = [await createCustomer(store), await createCustomer(store)]
      await fill(store, 'customers', full, 250)
      const res = await store.request('POST', `/customers/${other}/metafields`, newMetafield())
      expect(res.status).toBe(200)
    })

    it('makes room again after a delete', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      await fill(store, 'customers', customer, 250)
      const first = (await store.request('GET', `/customers/${customer}/metafields?limit=1`)).body.data[0]
      expect((await store.request('DELETE', `/customers/${customer}/metafields/${first.id}`)).status).toBe(204)
      expect((await store.request('POST', `/customers/${customer}/metafields`, newMetafield())).status).toBe(200)
    })

    it('fails the items of a batch past the limit on their own (422 entries) and creates the ones before', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      await fill(store, 'customers', customer, 248)
      const items = Array.from({ length: 4 }, () => newMetafield({ resource_id: customer }))
      const res = await store.request('POST', '/customers/metafields', items)
      expect(res.status).toBe(422)
      expect(res.body.data).toHaveLength(2)
      expect(res.body.errors).toEqual([2, 3].map((i) => ({ status: 422, title: 'Bulk operation has failed', type: ERROR_TYPE, errors: { [i]: PER_CUSTOMER_OWNER } })))
      expect(res.body.meta).toEqual({ total: 4, success: 2, failed: 2 })
      expect(await countOn(store, `/customers/${customer}/metafields`)).toBe(250)
    })
  })

  describe('carts: 10 per owning account, 250 per cart', () => {
    it('takes the 10th of one account on a cart and refuses the 11th with 422', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      await fill(store, 'carts', cart, 9)
      expect((await store.request('POST', `/carts/${cart}/metafields`, newMetafield())).status).toBe(200)
      const over = await store.request('POST', `/carts/${cart}/metafields`, newMetafield())
      expect(over.status).toBe(422)
      expect(over.body).toEqual(errorBody(422, LIMIT, { resource_id: PER_CART_OWNER }))
      expect(await countOn(store, `/carts/${cart}/metafields`)).toBe(10)
    })

    it('lets the same account add to another cart', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      await fill(store, 'carts', cart, 10)
      expect((await store.request('POST', `/carts/${randomCartId()}/metafields`, newMetafield())).status).toBe(200)
    })

    it('fails a batch of 11 for one cart at its 11th item', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const res = await store.request('POST', '/carts/metafields', Array.from({ length: 11 }, () => newMetafield({ resource_id: cart })))
      expect(res.status).toBe(422)
      expect(res.body.data).toHaveLength(10)
      expect(res.body.errors).toEqual([{ status: 422, title: 'Bulk operation has failed', type: ERROR_TYPE, errors: { 10: PER_CART_OWNER } }])
      expect(res.body.meta).toEqual({ total: 11, success: 10, failed: 1 })
    })

    // On PostgreSQL these requests run side by side on several connections; the store's metafield
    // lock must still let exactly ten through.
    it('lets exactly 10 of 14 concurrent creates on one cart through, the others 422', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const responses = await Promise.all(Array.from({ length: 14 }, () => store.request('POST', `/carts/${cart}/metafields`, newMetafield())))
      expect(responses.map((r) => r.status).sort()).toEqual([...Array(10).fill(200), ...Array(4).fill(422)])
      expect(await countOn(store, `/carts/${cart}/metafields`)).toBe(10)
    })

    it('lets exactly one of several concurrent identical creates through, the others 409', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const body = newMetafield()
      const responses = await Promise.all(Array.from({ length: 6 }, () => store.request('POST', `/carts/${cart}/metafields`, body)))
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409])
    })

    it('refuses the 251st metafield of a cart, whichever account sends it', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      for (let i = 0; i < 25; i += 1) {
        const writer = await account(store, `cart-${i}`, [SCOPES.carts])
        await fill(store, 'carts', cart, 10, writer.token)
      }
      expect(await countOn(store, `/carts/${cart}/metafields`)).toBe(250)
      const late = await account(store, 'cart-late', [SCOPES.carts])
      const res = await store.request('POST', `/carts/${cart}/metafields`, newMetafield(), { token: late.token })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, LIMIT, { resource_id: PER_CART }))
      expect(await countOn(store, `/carts/${cart}/metafields`)).toBe(250)
    })
  })
})
