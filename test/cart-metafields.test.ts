import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'
import { wholeList } from './helpers/cursor-cases.js'
import { account, createMetafield, metafieldFrom, newMetafield, randomCartId } from './helpers/metafields.js'

// Cart metafields (seed 003): the same engine as customers', keyed by the cart's UUID, under the
// cart scopes. Carts are not stored: any UUID takes metafields, and they outlive the cart.

const NOW = '2024-05-01T10:00:00Z'
const CREATED = '2024-05-01T10:00:00+00:00'
const NOT_FOUND = errorBody(404, 'The resource at that URL is not found.')
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")
const invalid = (errors: Record<string, string>) => errorBody(422, 'JSON data is missing or invalid', errors)

describe.each(BACKENDS)('%s: cart metafields', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  beforeEach(() => t.clock.set(NOW))
  afterAll(() => t.close())

  describe('POST /carts/{cart_id}/metafields', () => {
    it("creates a metafield for a cart Clientele has never seen (seed 003's request), resource_id the cart's UUID", async () => {
      const store = await t.newStore()
      const cart = 'b810114d-9926-45b7-bba5-7633b251154b'
      const body = { permission_set: 'app_only', namespace: 'Sales Department', key: 'Staff Name', value: 'Sam', description: 'Name of staff member' }
      const res = await store.request('POST', `/carts/${cart}/metafields`, body)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: metafieldFrom(body, { id: res.body.data.id, resource_type: 'cart', resource_id: cart, owner_client_id: store.clientId, date_created: CREATED }),
        meta: {},
      })
      expect(Number.isInteger(res.body.data.id)).toBe(true)
    })

    it('answers 422 when cart_id is not a UUID, and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/carts/42/metafields', newMetafield())
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ cart_id: 'must be a valid uuid' }))
      expect((await store.request('GET', '/carts/metafields')).body.data).toEqual([])
    })

    it('reads an upper-case UUID as the same cart, and answers it lower-case', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart.toUpperCase()}/metafields`)
      expect(created.resource_id).toBe(cart)
      const res = await store.request('GET', `/carts/${cart}/metafields`)
      expect(res.body.data).toEqual([created])
    })

    it('reads a urn:uuid: spelling as the same cart', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/urn:uuid:${cart}/metafields`)
      expect(created.resource_id).toBe(cart)
      expect((await store.request('GET', `/carts/${cart}/metafields/${created.id}`)).body.data).toEqual(created)
    })

    it('answers 409 to a second metafield of the same account with the same namespace and key on the cart', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const body = newMetafield()
      await createMetafield(store, `/carts/${cart}/metafields`, body)
      const res = await store.request('POST', `/carts/${cart}/metafields`, body)
      expect(res.status).toBe(409)
      expect(res.body).toEqual(errorBody(409, 'The request cannot be processed due to a possible conflict. Please review the changes and try again.', {
        key: `a metafield with namespace "Sales Department" and key "${body.key as string}" already exists on this cart for this API account`,
      }))
    })

    it('answers 422 for a missing required field', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', `/carts/${randomCartId()}/metafields`, { namespace: 'n', key: 'k', value: 'v' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ permission_set: 'is required' }))
    })

    it('lets a store_cart token create, and refuses a read-only cart token with 403', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const writer = await account(store, 'cart-app', [SCOPES.carts])
      const created = await createMetafield(store, `/carts/${cart}/metafields`, newMetafield(), writer.token)
      expect(created.owner_client_id).toBe(writer.clientId)
      const readOnly = await store.tokenWith([SCOPES.cartsRead])
      const res = await store.request('POST', `/carts/${cart}/metafields`, newMetafield(), { token: readOnly })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
    })

    it('refuses a customers token with 403: cart metafields need the cart scopes', async () => {
      const store = await t.newStore()
      const customers = await store.tokenWith([SCOPES.customers, SCOPES.metafieldsWriteAll])
      const res = await store.request('POST', `/carts/${randomCartId()}/metafields`, newMetafield(), { token: customers })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
    })
  })

  describe('GET /carts/{cart_id}/metafields', () => {
    it("lists the cart's metafields by id, and no other cart's", async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const a = await createMetafield(store, `/carts/${cart}/metafields`)
      await createMetafield(store, `/carts/${randomCartId()}/metafields`)
      const b = await createMetafield(store, `/carts/${cart}/metafields`)
      const res = await store.request('GET', `/carts/${cart}/metafields`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [a, b], meta: wholeList([a, b]) })
    })

    it('answers an empty list for a cart without metafields', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', `/carts/${randomCartId()}/metafields`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [], meta: wholeList([]) })
    })

    it('lets a read-only cart token list', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`, newMetafield({ permission_set: 'read' }))
      const readOnly = await store.tokenWith([SCOPES.cartsRead])
      const res = await store.request('GET', `/carts/${cart}/metafields`, undefined, { token: readOnly })
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual([created])
    })

    it('answers 422 when cart_id is not a UUID', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/carts/not-a-cart/metafields')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ cart_id: 'must be a valid uuid' }))
    })
  })

  describe('GET /carts/{cart_id}/metafields/{metafield_id}', () => {
    it('answers the metafield as {data, meta}', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`)
      const res = await store.request('GET', `/carts/${cart}/metafields/${created.id}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: created, meta: {} })
    })

    it('answers 404 for a metafield of another cart', async () => {
      const store = await t.newStore()
      const created = await createMetafield(store, `/carts/${randomCartId()}/metafields`)
      const res = await store.request('GET', `/carts/${randomCartId()}/metafields/${created.id}`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 404 for a customer metafield id asked for under a cart', async () => {
      const store = await t.newStore()
      const customer = (await store.request('POST', '/customers', [{ email: 'cart@example.com', first_name: 'A', last_name: 'B' }])).body.data[0].id
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('GET', `/carts/${randomCartId()}/metafields/${created.id}`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })
  })

  describe('PUT /carts/{cart_id}/metafields/{metafield_id}', () => {
    it('takes the four fields the spec requires and answers the changed metafield', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`)
      t.clock.set('2024-05-03T08:00:00Z')
      const update = { permission_set: 'read', namespace: 'Checkout', key: 'gift_note', value: 'Happy birthday' }
      const res = await store.request('PUT', `/carts/${cart}/metafields/${created.id}`, update)
      expect(res.status).toBe(200)
      const expected = { ...created, ...update, date_modified: '2024-05-03T08:00:00+00:00' }
      expect(res.body).toEqual({ data: expected, meta: {} })
      expect((await store.request('GET', `/carts/${cart}/metafields/${created.id}`)).body.data).toEqual(expected)
    })

    it('takes a partial update too', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`)
      const res = await store.request('PUT', `/carts/${cart}/metafields/${created.id}`, { value: 'only this' })
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual({ ...created, value: 'only this' })
    })

    it('answers 404 for a metafield of another cart, and changes nothing', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`)
      const res = await store.request('PUT', `/carts/${randomCartId()}/metafields/${created.id}`, { value: 'x' })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
      expect((await store.request('GET', `/carts/${cart}/metafields/${created.id}`)).body.data).toEqual(created)
    })
  })

  describe('DELETE /carts/{cart_id}/metafields/{metafield_id}', () => {
    it('deletes it: 204, then 404', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`)
      const res = await store.request('DELETE', `/carts/${cart}/metafields/${created.id}`)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      const after = await store.request('GET', `/carts/${cart}/metafields/${created.id}`)
      expect(after.status).toBe(404)
      expect(after.body).toEqual(NOT_FOUND)
    })

    it('answers 404 for an id that does not exist', async () => {
      const store = await t.newStore()
      const res = await store.request('DELETE', `/carts/${randomCartId()}/metafields/77777777`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 403 to a read-only cart token, and deletes nothing', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const created = await createMetafield(store, `/carts/${cart}/metafields`)
      const readOnly = await store.tokenWith([SCOPES.cartsRead])
      const res = await store.request('DELETE', `/carts/${cart}/metafields/${created.id}`, undefined, { token: readOnly })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
      expect((await store.request('GET', `/carts/${cart}/metafields/${created.id}`)).status).toBe(200)
    })
  })

  describe('GET /carts/metafields', () => {
    it("lists every cart's metafields, and no customer's", async () => {
      const store = await t.newStore()
      const a = await createMetafield(store, `/carts/${randomCartId()}/metafields`)
      const b = await createMetafield(store, `/carts/${randomCartId()}/metafields`)
      const customer = await createCustomer(store)
      await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('GET', '/carts/metafields')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [a, b], meta: wholeList([a, b]) })
    })

    it("lists nothing of another store's carts", async () => {
      const store = await t.newStore()
      const other = await t.newStore()
      await createMetafield(other, `/carts/${randomCartId()}/metafields`, newMetafield({ permission_set: 'read' }))
      const res = await store.request('GET', '/carts/metafields')
      expect(res.body).toEqual({ data: [], meta: wholeList([]) })
    })
  })
})
