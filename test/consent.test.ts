import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'

// GET|PUT /customers/{customerId}/consent (BEHAVIOUR 7): bare objects; essential always allowed;
// no category both allowed and denied; a PUT replaces both lists; updated_at is the time of the
// call, as BigCommerce documents; unknown customer 404.

const NOW = '2026-04-01T09:00:00Z'
const INVALID = 'JSON data is missing or invalid'
const NOT_FOUND = errorBody(404, 'The resource at that URL is not found.')
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")

describe.each(BACKENDS)('%s: GET|PUT /customers/{customerId}/consent', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  async function consentRows(store: TestStore): Promise<unknown[]> {
    return t.db
      .selectFrom('customer_consents')
      .innerJoin('stores', 'stores.id', 'customer_consents.store_id')
      .select(['customer_consents.customer_id'])
      .where('stores.hash', '=', store.hash)
      .execute()
  }

  it('answers essential alone for a customer who never answered, as a bare object', async () => {
    const store = await t.newStore()
    const id = await createCustomer(store)
    t.clock.set(NOW)
    const res = await store.request('GET', `/customers/${id}/consent`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ allow: ['essential'], deny: [], updated_at: NOW })
    expect(Object.keys(res.body)).toEqual(['allow', 'deny', 'updated_at'])
  })

  it('stores the answer and reads it back, updated_at being the time of each call', async () => {
    const store = await t.newStore()
    const id = await createCustomer(store)
    t.clock.set(NOW)
    const res = await store.request('PUT', `/customers/${id}/consent`, { allow: ['essential', 'functional'], deny: ['analytics', 'targeting'] })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ allow: ['essential', 'functional'], deny: ['analytics', 'targeting'], updated_at: NOW })
    t.clock.advance(3600)
    expect((await store.request('GET', `/customers/${id}/consent`)).body).toEqual({
      allow: ['essential', 'functional'],
      deny: ['analytics', 'targeting'],
      updated_at: '2026-04-01T10:00:00Z',
    })
  })

  it('adds essential when allow leaves it out, and lists categories in their fixed order', async () => {
    const store = await t.newStore()
    const id = await createCustomer(store)
    t.clock.set(NOW)
    const res = await store.request('PUT', `/customers/${id}/consent`, { allow: ['targeting', 'functional'], deny: ['analytics'] })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ allow: ['essential', 'functional', 'targeting'], deny: ['analytics'], updated_at: NOW })
  })

  it('replaces both lists: a list left out is empty', async () => {
    const store = await t.newStore()
    const id = await createCustomer(store)
    t.clock.set(NOW)
    await store.request('PUT', `/customers/${id}/consent`, { allow: ['analytics'], deny: ['targeting'] })
    const res = await store.request('PUT', `/customers/${id}/consent`, { allow: ['functional'] })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ allow: ['essential', 'functional'], deny: [], updated_at: NOW })
    expect((await store.request('GET', `/customers/${id}/consent`)).body).toEqual(res.body)
  })

  it.each([
    ['a category both allowed and denied', { allow: ['analytics'], deny: ['analytics'] }, { deny: 'analytics cannot be both allowed and denied' }],
    ['essential denied', { allow: [], deny: ['essential'] }, { deny: 'essential is always allowed and cannot be denied' }],
    ['an unknown category', { allow: ['marketing'] }, { 'allow.0': 'must be one of: essential, functional, analytics, targeting' }],
    ['a category twice', { deny: ['analytics', 'analytics'] }, { deny: 'must not contain the same value twice' }],
    ['allow that is not a list', { allow: 'analytics' }, { allow: 'must be an array' }],
  ])('refuses %s with 422 and keeps the stored answer', async (_, body, errors) => {
    const store = await t.newStore()
    const id = await createCustomer(store)
    t.clock.set(NOW)
    await store.request('PUT', `/customers/${id}/consent`, { allow: ['functional'], deny: ['targeting'] })
    const res = await store.request('PUT', `/customers/${id}/consent`, body)
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, INVALID, errors))
    expect((await store.request('GET', `/customers/${id}/consent`)).body).toEqual({ allow: ['essential', 'functional'], deny: ['targeting'], updated_at: NOW })
  })

  it.each([
    ['a customer that does not exist', 42],
    ['an id beyond any customer', 2 ** 31],
  ])('answers 404 for %s, on GET and on PUT, and writes nothing', async (_, id) => {
    const store = await t.newStore()
    await createCustomer(store)
    for (const res of [
      await store.request('GET', `/customers/${id}/consent`),
      await store.request('PUT', `/customers/${id}/consent`, { allow: ['analytics'] }),
    ]) {
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    }
    expect(await consentRows(store)).toEqual([])
  })

  it("answers 404 for another store's customer and changes nothing of theirs", async () => {
    const [mine, theirs] = [await t.newStore(), await t.newStore()]
    const id = await createCustomer(theirs)
    const res = await mine.request('PUT', `/customers/${id}/consent`, { allow: ['analytics'] })
    expect(res.status).toBe(404)
    expect(res.body).toEqual(NOT_FOUND)
    expect((await theirs.request('GET', `/customers/${id}/consent`)).body.allow).toEqual(['essential'])
  })

  it('answers 422 to a customer id that is not an integer', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers/abc/consent')
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, INVALID, { customerId: 'must be an integer' }))
  })

  it('lets a read-only token read and refuses it a change', async () => {
    const store = await t.newStore()
    const id = await createCustomer(store)
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    expect((await store.request('GET', `/customers/${id}/consent`, undefined, { token: readOnly })).status).toBe(200)
    const res = await store.request('PUT', `/customers/${id}/consent`, { allow: ['analytics'] }, { token: readOnly })
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
    expect(await consentRows(store)).toEqual([])
  })

  it('forgets the answer with the customer', async () => {
    const store = await t.newStore()
    const id = await createCustomer(store)
    await store.request('PUT', `/customers/${id}/consent`, { allow: ['analytics'] })
    expect(await consentRows(store)).toHaveLength(1)
    expect((await store.request('DELETE', `/customers?id:in=${id}`)).status).toBe(204)
    expect(await consentRows(store)).toEqual([])
  })
})
