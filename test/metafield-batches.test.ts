import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, ERROR_TYPE, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'
import { account, createMetafield, customersAccount, metafieldFrom, newMetafield, randomCartId } from './helpers/metafields.js'

// The batch routes /customers/metafields and /carts/metafields: each item succeeds or fails on
// its own; all succeed: 200 {data, errors: [], meta}; some fail: 422 with the successes in data
// and one error per failure (BEHAVIOUR 9.4). A refused request (bad body) writes nothing.

const NOW = '2024-05-01T10:00:00Z'
const CREATED = '2024-05-01T10:00:00+00:00'
const CONFLICT = 'The request cannot be processed due to a possible conflict. Please review the changes and try again.'
const invalid = (errors: Record<string, string>) => errorBody(422, 'JSON data is missing or invalid', errors)

/** One entry of a partial success's `errors`. */
const itemError = (status: number, key: string | number, message: string) =>
  ({ status, title: 'Bulk operation has failed', type: ERROR_TYPE, errors: { [String(key)]: message } })

const exists = (namespace: unknown, key: unknown, resource = 'customer') =>
  `a metafield with namespace "${String(namespace)}" and key "${String(key)}" already exists on this ${resource} for this API account`

async function allOf(store: TestStore, collection = 'customers', token?: string): Promise<Record<string, any>[]> {
  const res = await store.request('GET', `/${collection}/metafields?limit=250`, undefined, token ? { token } : {})
  expect(res.status).toBe(200)
  return res.body.data
}

describe.each(BACKENDS)('%s: metafield batches', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  beforeEach(() => t.clock.set(NOW))
  afterAll(() => t.close())

  describe('POST /customers/metafields', () => {
    it('creates every item for their customers: 200 {data, errors: [], meta {total, success, failed}}', async () => {
      const store = await t.newStore()
      const [a, b] = [await createCustomer(store), await createCustomer(store)]
      const items = [newMetafield({ resource_id: a }), newMetafield({ resource_id: b, permission_set: 'write' })]
      const res = await store.request('POST', '/customers/metafields', items)
      expect(res.status).toBe(200)
      const expected = items.map(({ resource_id, ...body }, i) =>
        metafieldFrom(body, { id: res.body.data[i].id, resource_type: 'customer', resource_id: resource_id as number, owner_client_id: store.clientId, date_created: CREATED }))
      expect(res.body).toEqual({ data: expected, errors: [], meta: { total: 2, success: 2, failed: 0 } })
      expect(await allOf(store)).toEqual(expected)
    })

    it('answers a batch of 5 where 2 collide with 422: 3 created in data, 2 in errors, meta 5/3/2; the 2 leave no trace', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const existing = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ key: 'taken', value: 'original' }))
      const first = newMetafield({ resource_id: customer, key: 'first' })
      const items = [
        first,
        newMetafield({ resource_id: customer, key: 'taken', value: 'clash with a stored one' }),
        newMetafield({ resource_id: customer }),
        { ...first, value: 'clash with item 0' },
        newMetafield({ resource_id: customer }),
      ]
      const res = await store.request('POST', '/customers/metafields', items)
      expect(res.status).toBe(422)
      const created = [0, 2, 4].map((i, n) => {
        const { resource_id: _, ...body } = items[i]!
        return metafieldFrom(body, { id: res.body.data[n].id, resource_type: 'customer', resource_id: customer, owner_client_id: store.clientId, date_created: CREATED })
      })
      expect(res.body).toEqual({
        data: created,
        errors: [itemError(409, 1, exists('Sales Department', 'taken')), itemError(409, 3, exists('Sales Department', 'first'))],
        meta: { total: 5, success: 3, failed: 2 },
      })
      for (const metafield of created) {
        const read = await store.request('GET', `/customers/${customer}/metafields/${metafield.id}`)
        expect(read.body).toEqual({ data: metafield, meta: {} })
      }
      expect(await allOf(store)).toEqual([existing, ...created])
    })

    it('fails an item for a customer that does not exist with a 404 entry, and creates the rest', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', '/customers/metafields', [newMetafield({ resource_id: 999 }), newMetafield({ resource_id: customer })])
      expect(res.status).toBe(422)
      expect(res.body.errors).toEqual([itemError(404, 0, 'customer 999 does not exist')])
      expect(res.body.meta).toEqual({ total: 2, success: 1, failed: 1 })
      expect(await allOf(store)).toEqual(res.body.data)
    })

    it('answers 422 with every item failed and data [] when none can be created', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers/metafields', [newMetafield({ resource_id: 5 })])
      expect(res.status).toBe(422)
      expect(res.body).toEqual({ data: [], errors: [itemError(404, 0, 'customer 5 does not exist')], meta: { total: 1, success: 0, failed: 1 } })
    })

    it('refuses the whole request with 422 when an item breaks the schema, and writes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', '/customers/metafields', [
        newMetafield({ resource_id: customer }),
        { permission_set: 'read', namespace: 'n', value: 'v', resource_id: customer },
        newMetafield({ resource_id: 'abc' }),
      ])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '1.key': 'is required', '2.resource_id': 'must be an integer' }))
      expect(await allOf(store)).toEqual([])
    })

    it('answers 422 to an empty array and 413 to more than 50 items', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const empty = await store.request('POST', '/customers/metafields', [])
      expect(empty.status).toBe(422)
      expect(empty.body).toEqual(invalid({ body: 'must contain at least 1 item' }))
      const many = await store.request('POST', '/customers/metafields', Array.from({ length: 51 }, () => newMetafield({ resource_id: customer })))
      expect(many.status).toBe(413)
      expect(many.body).toEqual(errorBody(413, 'The maximum number of items allowed in the array is 50'))
      expect(await allOf(store)).toEqual([])
    })

    it('creates 50 items in one request', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', '/customers/metafields', Array.from({ length: 50 }, () => newMetafield({ resource_id: customer })))
      expect(res.status).toBe(200)
      expect(res.body.meta).toEqual({ total: 50, success: 50, failed: 0 })
      expect((await allOf(store)).map((m) => m.id)).toEqual(res.body.data.map((m: { id: number }) => m.id))
    })

    it('answers 403 to a read-only customers token, and writes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const readOnly = await store.tokenWith([SCOPES.customersRead])
      const res = await store.request('POST', '/customers/metafields', [newMetafield({ resource_id: customer })], { token: readOnly })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(errorBody(403, "You don't have a required scope to access the endpoint"))
      expect(await allOf(store)).toEqual([])
    })
  })

  describe('PUT /customers/metafields', () => {
    it('updates every item by id: 200 with the updated metafields in request order', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const a = await createMetafield(store, `/customers/${customer}/metafields`)
      const b = await createMetafield(store, `/customers/${customer}/metafields`)
      t.clock.set('2024-05-02T00:00:00Z')
      const res = await store.request('PUT', '/customers/metafields', [{ id: b.id, value: 'B' }, { id: a.id, description: 'A', permission_set: 'read' }])
      expect(res.status).toBe(200)
      const modified = '2024-05-02T00:00:00+00:00'
      const expected = [
        { ...b, value: 'B', date_modified: modified },
        { ...a, description: 'A', permission_set: 'read', date_modified: modified },
      ]
      expect(res.body).toEqual({ data: expected, errors: [], meta: { total: 2, success: 2, failed: 0 } })
      expect(await allOf(store)).toEqual([expected[1], expected[0]])
    })

    it('fails unknown, hidden and refused items on their own (404, 404, 403) and updates the rest: 422', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const owner = await customersAccount(store, 'app-a')
      const hidden = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'app_only' }), owner.token)
      const readOnly = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'read' }), owner.token)
      const writable = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'write' }), owner.token)
      const caller = await customersAccount(store, 'app-b')
      const res = await store.request('PUT', '/customers/metafields', [
        { id: 88888888, value: 'x' },
        { id: hidden.id, value: 'x' },
        { id: readOnly.id, value: 'x' },
        { id: writable.id, value: 'changed' },
      ], { token: caller.token })
      expect(res.status).toBe(422)
      expect(res.body).toEqual({
        data: [{ ...writable, value: 'changed' }],
        errors: [
          itemError(404, 0, 'Metafield does not exist'),
          itemError(404, 1, 'Metafield does not exist'),
          itemError(403, 2, '"read" lets other API accounts read this metafield, not change it'),
        ],
        meta: { total: 4, success: 1, failed: 3 },
      })
      expect(await allOf(store, 'customers', owner.token)).toEqual([hidden, readOnly, { ...writable, value: 'changed' }])
    })

    it('fails an item renaming into a namespace and key its owner already uses with 409', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const a = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ key: 'a' }))
      const b = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ key: 'b' }))
      const res = await store.request('PUT', '/customers/metafields', [{ id: b.id, key: 'a' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual({ data: [], errors: [itemError(409, 0, exists('Sales Department', 'a'))], meta: { total: 1, success: 0, failed: 1 } })
      expect(await allOf(store)).toEqual([a, b])
    })

    it('applies items in order: a key freed by one item may be taken by the next', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const a = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ key: 'a' }))
      const b = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ key: 'b' }))
      const res = await store.request('PUT', '/customers/metafields', [{ id: a.id, key: 'c' }, { id: b.id, key: 'a' }])
      expect(res.status).toBe(200)
      expect(await allOf(store)).toEqual([{ ...a, key: 'c' }, { ...b, key: 'a' }])
    })

    it('takes ids as strings of digits, as carts.v3.yml types them', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`)
      const res = await store.request('PUT', '/carts/metafields', [{ id: String(created.id), value: 'by string id' }])
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual([{ ...created, value: 'by string id' }])
    })

    it('refuses the whole request with 422 when an item has no id, and changes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('PUT', '/customers/metafields', [{ id: created.id, value: 'x' }, { value: 'y' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '1.id': 'is required' }))
      expect(await allOf(store)).toEqual([created])
    })
  })

  describe('DELETE /customers/metafields', () => {
    it('deletes the ids of the body: 200 with the deleted ids', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const [a, b, c] = [
        await createMetafield(store, `/customers/${customer}/metafields`),
        await createMetafield(store, `/customers/${customer}/metafields`),
        await createMetafield(store, `/customers/${customer}/metafields`),
      ]
      const res = await store.request('DELETE', '/customers/metafields', [c!.id, a!.id])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [c!.id, a!.id], errors: [], meta: { total: 2, success: 2, failed: 0 } })
      expect(await allOf(store)).toEqual([b])
    })

    it('fails unknown and refused ids on their own, keyed by id, and deletes the rest: 422', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const owner = await customersAccount(store, 'app-a')
      const theirs = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'write' }), owner.token)
      const caller = await customersAccount(store, 'app-b')
      const mine = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield(), caller.token)
      const res = await store.request('DELETE', '/customers/metafields', [77777777, theirs.id, mine.id], { token: caller.token })
      expect(res.status).toBe(422)
      expect(res.body).toEqual({
        data: [mine.id],
        errors: [
          itemError(404, 77777777, 'Metafield does not exist'),
          itemError(403, theirs.id, 'only the API account that created this metafield may delete it'),
        ],
        meta: { total: 3, success: 1, failed: 2 },
      })
      expect(await allOf(store)).toEqual([theirs])
    })

    it('counts an id given twice once', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('DELETE', '/customers/metafields', [created.id, created.id])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [created.id], errors: [], meta: { total: 1, success: 1, failed: 0 } })
    })

    it('does not delete a cart metafield by its id', async () => {
      const store = await t.newStore()
      const cartMetafield = await createMetafield(store, `/carts/${randomCartId()}/metafields`)
      const res = await store.request('DELETE', '/customers/metafields', [cartMetafield.id])
      expect(res.status).toBe(422)
      expect(res.body.errors).toEqual([itemError(404, cartMetafield.id, 'Metafield does not exist')])
      expect(await allOf(store, 'carts')).toEqual([cartMetafield])
    })

    it('answers 422 without a body, and deletes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('DELETE', '/customers/metafields')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ body: 'must be an array' }))
      expect(await allOf(store)).toEqual([created])
    })
  })

  describe('/carts/metafields', () => {
    it("creates items for several carts, each resource_id the cart's UUID", async () => {
      const store = await t.newStore()
      const [x, y] = [randomCartId(), randomCartId()]
      const items = [newMetafield({ resource_id: x }), newMetafield({ resource_id: y.toUpperCase() })]
      const res = await store.request('POST', '/carts/metafields', items)
      expect(res.status).toBe(200)
      expect(res.body.data.map((m: { resource_id: string }) => m.resource_id)).toEqual([x, y])
      expect(res.body.meta).toEqual({ total: 2, success: 2, failed: 0 })
      expect(await allOf(store, 'carts')).toEqual(res.body.data)
    })

    it('refuses the whole request with 422 when a resource_id is not a UUID, and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/carts/metafields', [newMetafield({ resource_id: randomCartId() }), newMetafield({ resource_id: '42' })])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '1.resource_id': 'must be a valid uuid' }))
      expect(await allOf(store, 'carts')).toEqual([])
    })

    it('answers a partial success for carts as for customers', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const body = newMetafield()
      await createMetafield(store, `/carts/${cart}/metafields`, body)
      const res = await store.request('POST', '/carts/metafields', [{ ...body, resource_id: cart }, newMetafield({ resource_id: cart })])
      expect(res.status).toBe(422)
      expect(res.body.errors).toEqual([itemError(409, 0, exists(body.namespace, body.key, 'cart'))])
      expect(res.body.meta).toEqual({ total: 2, success: 1, failed: 1 })
    })

    it('updates and deletes cart metafields in batches', async () => {
      const store = await t.newStore()
      const writer = await account(store, 'cart-app', [SCOPES.carts])
      const a = await createMetafield(store, `/carts/${randomCartId()}/metafields`, newMetafield(), writer.token)
      const b = await createMetafield(store, `/carts/${randomCartId()}/metafields`, newMetafield(), writer.token)
      const updated = await store.request('PUT', '/carts/metafields', [{ id: a.id, value: 'A' }], { token: writer.token })
      expect(updated.body).toEqual({ data: [{ ...a, value: 'A' }], errors: [], meta: { total: 1, success: 1, failed: 0 } })
      const deleted = await store.request('DELETE', '/carts/metafields', [b.id], { token: writer.token })
      expect(deleted.body).toEqual({ data: [b.id], errors: [], meta: { total: 1, success: 1, failed: 0 } })
      expect(await allOf(store, 'carts', writer.token)).toEqual([{ ...a, value: 'A' }])
    })
  })
})
