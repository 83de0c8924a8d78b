import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, type TestApp, type TestStore } from './helpers/app.js'

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
