import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'
import { createMetafield, customersAccount, metafieldFrom, newMetafield } from './helpers/metafields.js'

// The five single-customer metafield operations (seeds 000 and 001), and a customer's delete
// taking its metafields with it. Lists, batches, limits and permissions have files of their own.

const NOW = '2024-05-01T10:00:00Z'
const CREATED = '2024-05-01T10:00:00+00:00'
const NOT_FOUND = errorBody(404, 'The resource at that URL is not found.')
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")
const invalid = (errors: Record<string, string>) => errorBody(422, 'JSON data is missing or invalid', errors)
const CONFLICT = 'The request cannot be processed due to a possible conflict. Please review the changes and try again.'

describe.each(BACKENDS)('%s: customer metafields', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  beforeEach(() => t.clock.set(NOW))
  afterAll(() => t.close())

  describe('POST /customers/{customerId}/metafields', () => {
    it('creates one metafield and answers it as {data, meta}, owned by the creating account, dated +00:00', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const body = newMetafield({ permission_set: 'read' })
      const res = await store.request('POST', `/customers/${customer}/metafields`, body)
      expect(res.status).toBe(200)
      const expected = metafieldFrom(body, {
        id: res.body.data.id,
        resource_type: 'customer',
        resource_id: customer,
        owner_client_id: store.clientId,
        date_created: CREATED,
      })
      expect(res.body).toEqual({ data: expected, meta: {} })
      expect(Number.isInteger(res.body.data.id)).toBe(true)
    })

    it('answers the fields in the order of BigCommerce examples', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', `/customers/${customer}/metafields`, newMetafield())
      expect(Object.keys(res.body.data)).toEqual([
        'id', 'key', 'value', 'namespace', 'permission_set', 'resource_type', 'resource_id', 'description',
        'date_created', 'date_modified', 'owner_client_id',
      ])
    })

    it('stores it: a GET by id answers the same object', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('GET', `/customers/${customer}/metafields/${created.id}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: created, meta: {} })
    })

    it('takes the seed request (all five fields) and defaults a missing description to ""', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const body = { permission_set: 'write_and_sf_access', namespace: 'Sales Department', key: 'Staff Name', value: 'Ronaldo' }
      const res = await store.request('POST', `/customers/${customer}/metafields`, body)
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual(
        metafieldFrom(body, { id: res.body.data.id, resource_type: 'customer', resource_id: customer, owner_client_id: store.clientId, date_created: CREATED }),
      )
    })

    it('ignores read-only and unknown fields sent with it (owner, resource, id)', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const body = newMetafield()
      const res = await store.request('POST', `/customers/${customer}/metafields`, {
        ...body, owner_client_id: 'someone-else', resource_id: 999, resource_type: 'cart', id: 7, colour: 'blue',
      })
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual(
        metafieldFrom(body, { id: res.body.data.id, resource_type: 'customer', resource_id: customer, owner_client_id: store.clientId, date_created: CREATED }),
      )
    })

    it('answers 404 for a customer that does not exist, and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers/4242/metafields', newMetafield())
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
      expect((await store.request('GET', '/customers/metafields')).body.data).toEqual([])
    })

    it("answers 404 for another store's customer", async () => {
      const store = await t.newStore()
      const other = await t.newStore()
      await createCustomer(other)
      await createCustomer(other)
      const res = await store.request('POST', '/customers/2/metafields', newMetafield())
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 409 to a second metafield of the same account with the same namespace and key, and keeps the first', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const body = newMetafield()
      const first = await createMetafield(store, `/customers/${customer}/metafields`, body)
      const res = await store.request('POST', `/customers/${customer}/metafields`, { ...body, value: 'Other' })
      expect(res.status).toBe(409)
      expect(res.body).toEqual(errorBody(409, CONFLICT, {
        key: `a metafield with namespace "Sales Department" and key "${body.key as string}" already exists on this customer for this API account`,
      }))
      const list = await store.request('GET', `/customers/${customer}/metafields`)
      expect(list.body.data).toEqual([first])
    })

    it('lets another API account use the same namespace and key on the same customer (uniqueness is per owner)', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const other = await customersAccount(store, 'other')
      const body = newMetafield()
      await createMetafield(store, `/customers/${customer}/metafields`, body)
      const res = await store.request('POST', `/customers/${customer}/metafields`, body, { token: other.token })
      expect(res.status).toBe(200)
      expect(res.body.data.owner_client_id).toBe(other.clientId)
    })

    it('lets one account use the same namespace and key on two customers', async () => {
      const store = await t.newStore()
      const [a, b] = [await createCustomer(store), await createCustomer(store)]
      const body = newMetafield()
      await createMetafield(store, `/customers/${a}/metafields`, body)
      const res = await store.request('POST', `/customers/${b}/metafields`, body)
      expect(res.status).toBe(200)
      expect(res.body.data.resource_id).toBe(b)
    })

    it('treats namespace and key case-sensitively: "Color" and "color" are two metafields', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ key: 'Color' }))
      const res = await store.request('POST', `/customers/${customer}/metafields`, newMetafield({ key: 'color' }))
      expect(res.status).toBe(200)
    })

    it('answers 422 naming each missing required field', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', `/customers/${customer}/metafields`, { description: 'only this' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({
        permission_set: 'is required', namespace: 'is required', key: 'is required', value: 'is required',
      }))
    })

    it('answers 422 for values out of their lengths and an unknown permission_set, and writes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', `/customers/${customer}/metafields`, {
        permission_set: 'public',
        namespace: 'n'.repeat(65),
        key: '',
        value: 'v'.repeat(65536),
        description: 'd'.repeat(256),
      })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({
        permission_set: 'must be one of: app_only, read, write, read_and_sf_access, write_and_sf_access',
        namespace: 'must be at most 64 characters long',
        key: 'must not be empty',
        value: 'must be at most 65535 characters long',
        description: 'must be at most 255 characters long',
      }))
      expect((await store.request('GET', '/customers/metafields')).body.data).toEqual([])
    })

    it('takes values at their longest', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const body = newMetafield({ namespace: 'n'.repeat(64), key: 'k'.repeat(64), value: 'v'.repeat(65535), description: 'd'.repeat(255) })
      const res = await store.request('POST', `/customers/${customer}/metafields`, body)
      expect(res.status).toBe(200)
      const read = await store.request('GET', `/customers/${customer}/metafields/${res.body.data.id}`)
      expect(read.body.data).toEqual(res.body.data)
      expect(read.body.data.value).toHaveLength(65535)
    })

    it('answers 422 to a value that is not a string (no coercion)', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', `/customers/${customer}/metafields`, newMetafield({ value: 5 }))
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ value: 'must be a string' }))
    })

    it('answers 422 when the customer id in the path is not an integer', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers/abc/metafields', newMetafield())
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ customerId: 'must be an integer' }))
    })

    it('answers 422 to an array body (it takes one object)', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', `/customers/${customer}/metafields`, [newMetafield()])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ body: 'must be an object' }))
    })

    it('answers 400 to malformed JSON', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('POST', `/customers/${customer}/metafields`, '{"key": ', { headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(errorBody(400, 'Input is invalid', {}, 'Syntax error'))
    })

    it('answers 403 to a read-only customers token, and writes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const readOnly = await store.tokenWith([SCOPES.customersRead])
      const res = await store.request('POST', `/customers/${customer}/metafields`, newMetafield(), { token: readOnly })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
      expect((await store.request('GET', '/customers/metafields')).body.data).toEqual([])
    })

    it('answers 403 to a token with only the stored payment instruments scope', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const instruments = await store.tokenWith([SCOPES.storedInstruments])
      const res = await store.request('POST', `/customers/${customer}/metafields`, newMetafield(), { token: instruments })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
    })

    it('answers 403 to a token with only the cart scopes', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const carts = await store.tokenWith([SCOPES.carts, SCOPES.metafieldsWriteAll])
      const res = await store.request('POST', `/customers/${customer}/metafields`, newMetafield(), { token: carts })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
    })
  })

  describe('GET /customers/{customerId}/metafields/{metafieldId}', () => {
    it('answers the metafield as {data, meta}', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('GET', `/customers/${customer}/metafields/${created.id}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: created, meta: {} })
    })

    it('lets a read-only customers token read it', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'read' }))
      const readOnly = await store.tokenWith([SCOPES.customersRead])
      const res = await store.request('GET', `/customers/${customer}/metafields/${created.id}`, undefined, { token: readOnly })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: created, meta: {} })
    })

    it('answers 404 for an id that does not exist', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('GET', `/customers/${customer}/metafields/99999999`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it("answers 404 for a metafield of another customer", async () => {
      const store = await t.newStore()
      const [a, b] = [await createCustomer(store), await createCustomer(store)]
      const created = await createMetafield(store, `/customers/${a}/metafields`)
      const res = await store.request('GET', `/customers/${b}/metafields/${created.id}`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it("answers 404 for a metafield of another store's customer with the same id", async () => {
      const store = await t.newStore()
      const other = await t.newStore()
      const customer = await createCustomer(store)
      expect(await createCustomer(other)).toBe(customer)
      const created = await createMetafield(other, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'read' }))
      const res = await store.request('GET', `/customers/${customer}/metafields/${created.id}`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 404 for an id beyond any integer column', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('GET', `/customers/${customer}/metafields/99999999999`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })
  })

  describe('PUT /customers/{customerId}/metafields/{metafieldId}', () => {
    it('changes the fields sent, keeps the others, moves date_modified only', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const body = newMetafield()
      const created = await createMetafield(store, `/customers/${customer}/metafields`, body)
      t.clock.set('2024-05-02T11:30:00Z')
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, { value: 'Messi', description: 'changed' })
      expect(res.status).toBe(200)
      const expected = { ...created, value: 'Messi', description: 'changed', date_modified: '2024-05-02T11:30:00+00:00' }
      expect(res.body).toEqual({ data: expected, meta: {} })
      const read = await store.request('GET', `/customers/${customer}/metafields/${created.id}`)
      expect(read.body.data).toEqual(expected)
    })

    it('takes the seed request: id, description, key, namespace, permission_set and value', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const update = {
        id: created.id, description: 'Location', key: 'location_id', namespace: 'Warehouse', permission_set: 'write', value: '4',
      }
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, update)
      expect(res.status).toBe(200)
      const { id: _, ...changes } = update
      expect(res.body).toEqual({ data: { ...created, ...changes }, meta: {} })
    })

    it('answers 422 when the body names another metafield id, and changes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, { id: created.id + 1, value: 'x' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ id: `must be the id of the metafield in the URL (${created.id})` }))
      expect((await store.request('GET', `/customers/${customer}/metafields/${created.id}`)).body.data).toEqual(created)
    })

    it('answers 409 when the new namespace and key are taken by another metafield of the owner, and changes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const taken = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ key: 'taken' }))
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, { key: taken.key })
      expect(res.status).toBe(409)
      expect(res.body).toEqual(errorBody(409, CONFLICT, {
        key: 'a metafield with namespace "Sales Department" and key "taken" already exists on this customer for this API account',
      }))
      expect((await store.request('GET', `/customers/${customer}/metafields/${created.id}`)).body.data).toEqual(created)
    })

    it('answers 422 for an invalid field', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, { value: '', permission_set: 'everyone' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({
        value: 'must not be empty',
        permission_set: 'must be one of: app_only, read, write, read_and_sf_access, write_and_sf_access',
      }))
    })

    it('answers 404 for a metafield of another customer, and changes nothing', async () => {
      const store = await t.newStore()
      const [a, b] = [await createCustomer(store), await createCustomer(store)]
      const created = await createMetafield(store, `/customers/${a}/metafields`)
      const res = await store.request('PUT', `/customers/${b}/metafields/${created.id}`, { value: 'x' })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
      expect((await store.request('GET', `/customers/${a}/metafields/${created.id}`)).body.data).toEqual(created)
    })

    it('answers 404 for an id that does not exist', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('PUT', `/customers/${customer}/metafields/424242`, { value: 'x' })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })
  })

  describe('DELETE /customers/{customerId}/metafields/{metafieldId}', () => {
    it('deletes it: 204, then 404', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const kept = await createMetafield(store, `/customers/${customer}/metafields`)
      const res = await store.request('DELETE', `/customers/${customer}/metafields/${created.id}`)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect((await store.request('GET', `/customers/${customer}/metafields/${created.id}`)).status).toBe(404)
      expect((await store.request('GET', `/customers/${customer}/metafields`)).body.data).toEqual([kept])
    })

    it('answers 404 for an id that does not exist', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const res = await store.request('DELETE', `/customers/${customer}/metafields/424242`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 404 for a metafield of another customer, and deletes nothing', async () => {
      const store = await t.newStore()
      const [a, b] = [await createCustomer(store), await createCustomer(store)]
      const created = await createMetafield(store, `/customers/${a}/metafields`)
      const res = await store.request('DELETE', `/customers/${b}/metafields/${created.id}`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
      expect((await store.request('GET', `/customers/${a}/metafields/${created.id}`)).status).toBe(200)
    })

    it('answers 403 to a read-only customers token, and deletes nothing', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`)
      const readOnly = await store.tokenWith([SCOPES.customersRead])
      const res = await store.request('DELETE', `/customers/${customer}/metafields/${created.id}`, undefined, { token: readOnly })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
      expect((await store.request('GET', `/customers/${customer}/metafields/${created.id}`)).status).toBe(200)
    })
  })

  describe('DELETE /customers', () => {
    it("deletes the customers' metafields, whoever owns them, and keeps other customers'", async () => {
      const store = await t.newStore()
      const [gone, kept] = [await createCustomer(store), await createCustomer(store)]
      const other = await customersAccount(store, 'other')
      await createMetafield(store, `/customers/${gone}/metafields`)
      await createMetafield(store, `/customers/${gone}/metafields`, newMetafield({ permission_set: 'read' }), other.token)
      const survivor = await createMetafield(store, `/customers/${kept}/metafields`)
      const res = await store.request('DELETE', `/customers?id:in=${gone}`)
      expect(res.status).toBe(204)
      const all = await store.request('GET', '/customers/metafields')
      expect(all.body.data).toEqual([survivor])
      const theirs = await store.request('GET', '/customers/metafields', undefined, { token: other.token })
      expect(theirs.body.data).toEqual([])
    })

    it("keeps the metafields of another store's customer with the same id", async () => {
      const store = await t.newStore()
      const other = await t.newStore()
      const customer = await createCustomer(store)
      expect(await createCustomer(other)).toBe(customer)
      const kept = await createMetafield(other, `/customers/${customer}/metafields`)
      expect((await store.request('DELETE', `/customers?id:in=${customer}`)).status).toBe(204)
      expect((await other.request('GET', '/customers/metafields')).body.data).toEqual([kept])
    })
  })
})
