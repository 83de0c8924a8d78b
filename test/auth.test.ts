import type { RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_PREFIX, buildApp } from '../src/app.js'
import { ALL_SCOPES, SCOPES } from '../src/core/scopes.js'
import { revokeAccount } from '../src/stores/service.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, send, type Response, type TestApp, type TestStore } from './helpers/app.js'

const UNAUTHORIZED = errorBody(401, 'Unauthorized')
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")

describe.each(BACKENDS)('%s: X-Auth-Token and scopes', (backend) => {
  let t: TestApp
  let store: TestStore
  let other: TestStore

  beforeAll(async () => {
    t = await buildTestApp(backend)
    store = await t.newStore()
    other = await t.newStore()
  })
  afterAll(() => t.close())

  it('answers 401 without a token', async () => {
    const res = await store.request('GET', '/customers', undefined, { token: null })
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
  })

  it('answers 401 for an unknown token and writes nothing', async () => {
    const res = await store.request('POST', '/customers', [newCustomer()], { token: 'nosuchtoken' })
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    expect((await store.request('GET', '/customers')).body.data).toEqual([])
  })

  it("answers 403 with another store's token and writes nothing", async () => {
    const res = await store.request('POST', '/customers', [newCustomer()], { token: other.token })
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
    expect((await store.request('GET', '/customers')).body.data).toEqual([])
    expect((await other.request('GET', '/customers')).body.data).toEqual([])
  })

  it('answers 403 to a read-only token on a write and writes nothing', async () => {
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    const res = await store.request('POST', '/customers', [newCustomer()], { token: readOnly })
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
    expect((await store.request('GET', '/customers')).body.data).toEqual([])
  })

  it('lets a read-only token read', async () => {
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    const res = await store.request('GET', '/customers', undefined, { token: readOnly })
    expect(res.status).toBe(200)
  })
})

interface Operation {
  name: string
  /** the status of a call that is let through */
  success: number
  /** calls the operation on `store` with `token`; `id` is a customer of that store */
  call(store: TestStore, token: string, id: number): Promise<Response>
}

const READ: Operation = {
  name: 'GET /customers',
  success: 200,
  call: (store, token) => store.request('GET', '/customers', undefined, { token }),
}

const WRITES: Operation[] = [
  { name: 'POST /customers', success: 200, call: (store, token) => store.request('POST', '/customers', [newCustomer()], { token }) },
  {
    name: 'PUT /customers',
    success: 200,
    call: (store, token, id) => store.request('PUT', '/customers', [{ id, first_name: 'Changed' }], { token }),
  },
  {
    name: 'DELETE /customers',
    success: 204,
    call: (store, token, id) => store.request('DELETE', `/customers?id:in=${id}`, undefined, { token }),
  },
]

const OPERATIONS = [READ, ...WRITES]

describe.each(BACKENDS)('%s: scopes of each customers route', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** A store with one customer, and what a full-scope GET lists before the call under test. */
  async function storeWithCustomer(): Promise<{ store: TestStore; id: number; before: unknown }> {
    const store = await t.newStore()
    const created = await store.request('POST', '/customers', [newCustomer()])
    expect(created.status).toBe(200)
    const before = (await store.request('GET', '/customers')).body
    return { store, id: created.body.data[0].id, before }
  }

  it.each(OPERATIONS)('lets a store_v2_customers token call $name', async (operation) => {
    const { store, id } = await storeWithCustomer()
    const token = await store.tokenWith([SCOPES.customers])
    const res = await operation.call(store, token, id)
    expect(res.status).toBe(operation.success)
  })

  it('lets a read-only token list customers, with the same answer a full token gets', async () => {
    const { store, id, before } = await storeWithCustomer()
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    const res = await READ.call(store, readOnly, id)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(before)
  })

  it.each(WRITES)('answers 403 to a read-only token on $name and changes nothing', async (operation) => {
    const { store, id, before } = await storeWithCustomer()
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    const res = await operation.call(store, readOnly, id)
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
    expect((await store.request('GET', '/customers')).body).toEqual(before)
  })

  it.each(OPERATIONS)('answers 403 to a token holding only store_cart on $name and changes nothing', async (operation) => {
    const { store, id, before } = await storeWithCustomer()
    const cartOnly = await store.tokenWith([SCOPES.carts])
    const res = await operation.call(store, cartOnly, id)
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
    expect((await store.request('GET', '/customers')).body).toEqual(before)
  })

  it('answers 403 to HEAD /customers with a token holding only store_cart', async () => {
    const store = await t.newStore()
    const cartOnly = await store.tokenWith([SCOPES.carts])
    const res = await store.request('HEAD', '/customers', undefined, { token: cartOnly })
    expect(res.status).toBe(403)
  })

  it('answers 401 to HEAD /customers without a token', async () => {
    const store = await t.newStore()
    const res = await store.request('HEAD', '/customers', undefined, { token: null })
    expect(res.status).toBe(401)
  })

  it('answers 401 to a revoked token and writes nothing', async () => {
    const { store, before } = await storeWithCustomer()
    const clientId = `revoked${store.hash}`
    const token = await store.tokenWith(ALL_SCOPES, clientId)
    expect((await store.request('GET', '/customers', undefined, { token })).status).toBe(200)
    await revokeAccount(t.db, clientId)
    const res = await store.request('POST', '/customers', [newCustomer()], { token })
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    expect((await store.request('GET', '/customers')).body).toEqual(before)
  })

  it("answers 403 to a valid token used on another existing store's hash", async () => {
    const store = await t.newStore()
    const other = await t.newStore()
    const res = await send(t.app, 'GET', `/stores/${other.hash}/v3/customers`, undefined, { 'x-auth-token': store.token })
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
  })

  it('answers 403 to a valid token used on a store hash that does not exist', async () => {
    const store = await t.newStore()
    const res = await send(t.app, 'GET', '/stores/nosuchstore/v3/customers', undefined, { 'x-auth-token': store.token })
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
  })
})

describe.each(BACKENDS)('%s: scope declarations', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  // The auth hook refuses a route without scopes to everyone; this makes the omission fail a
  // test instead of shipping a route nobody can call.
  it('has every route under the API prefix declare known scopes', async () => {
    const routes: RouteOptions[] = []
    const app = buildApp({ db: t.db })
    app.addHook('onRoute', (route) => void routes.push(route))
    await app.ready()
    await app.close()

    const api = routes.filter((route) => route.url.startsWith(API_PREFIX))
    expect(api.map((route) => `${String(route.method)} ${route.url}`)).toEqual(
      expect.arrayContaining(['GET /stores/:store_hash/v3/customers', 'DELETE /stores/:store_hash/v3/customers']),
    )
    const undeclared = api
      .filter((route) => {
        const scopes = route.config?.scopes
        return !scopes || scopes.length === 0 || scopes.some((scope) => !ALL_SCOPES.includes(scope))
      })
      .map((route) => `${String(route.method)} ${route.url}`)
    expect(undeclared).toEqual([])
  })
})
