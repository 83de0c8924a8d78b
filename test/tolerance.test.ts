import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp, type TestStore } from './helpers/app.js'

// What real BigCommerce client libraries send, quirks included, is answered as BigCommerce
// answers it: normally. Each test is one quirk on an otherwise ordinary request.

const EMPTY_LIST_META = (limit: number) => ({
  pagination: { total: 0, count: 0, per_page: limit, current_page: 1, total_pages: 1, links: { current: `?page=1&limit=${limit}` } },
  cursor_pagination: { count: 0, per_page: limit, links: {} },
})
const EMPTY_LIST = { data: [], meta: EMPTY_LIST_META(50) }

describe.each(BACKENDS)('%s: client tolerance', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** A store holding one customer, whose id it returns. */
  async function storeWithCustomer(): Promise<{ store: TestStore; id: number }> {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', [newCustomer()])
    expect(res.status).toBe(200)
    return { store, id: res.body.data[0].id }
  }

  async function idsOf(store: TestStore): Promise<number[]> {
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    return res.body.data.map((c: { id: number }) => c.id)
  }

  describe('Content-Type on requests without a body', () => {
    it('accepts Content-Type: application/json on a GET', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })

    it('accepts the literal Content-Type: undefined on a GET', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { headers: { 'content-type': 'undefined' } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })

    it('accepts the literal Content-Type: undefined on a bodyless DELETE', async () => {
      const { store, id } = await storeWithCustomer()
      const res = await store.request('DELETE', `/customers?id:in=${id}`, undefined, { headers: { 'content-type': 'undefined' } })
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect(await idsOf(store)).toEqual([])
    })

    it('accepts Content-Type: application/json with an empty body on a DELETE', async () => {
      const { store, id } = await storeWithCustomer()
      const res = await store.request('DELETE', `/customers?id:in=${id}`, '', { headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect(await idsOf(store)).toEqual([])
    })

    it('accepts Content-Type: application/json; charset=utf-8 on a POST', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', JSON.stringify([newCustomer()]), {
        headers: { 'content-type': 'application/json; charset=utf-8' },
      })
      expect(res.status).toBe(200)
      expect(await idsOf(store)).toEqual([1])
    })
  })

  describe('URLs', () => {
    it("accepts BigCommerce's own Host header", async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { headers: { host: 'api.bigcommerce.com' } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })

    it('ignores an empty pair in the query string (?&limit=2)', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers?&limit=2')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [], meta: EMPTY_LIST_META(2) })
    })

    it('accepts a trailing slash', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers/')
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })

    it('accepts doubled slashes inside the path', async () => {
      const store = await t.newStore()
      const res = await send(t.app, 'GET', `/stores/${store.hash}//v3//customers`, undefined, { 'x-auth-token': store.token })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })
  })

  describe('headers', () => {
    it('accepts Accept: application/json', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { headers: { accept: 'application/json' } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })

    it("accepts X-Auth-Client naming the token's own client id", async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { headers: { 'x-auth-client': store.clientId } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })

    it.each([['another account', true], ['anything', false]])('ignores X-Auth-Client naming %s: the token alone decides (DECISIONS 18)', async (_name, otherAccount) => {
      const store = await t.newStore()
      const other = await t.newStore()
      const client = otherAccount ? other.clientId : 'anything'
      const res = await store.request('GET', '/customers', undefined, { headers: { 'x-auth-client': client } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
      // Another store's account named as client reaches nothing of that store.
      const across = await other.request('GET', '/customers', undefined, { token: store.token, headers: { 'x-auth-client': other.clientId } })
      expect(across.status).toBe(403)
    })

    it('reads x-auth-token in lower case', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { token: null, headers: { 'x-auth-token': store.token } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })

    it('reads X-AUTH-TOKEN in upper case', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { token: null, headers: { 'X-AUTH-TOKEN': store.token } })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(EMPTY_LIST)
    })
  })

  it('answers HEAD /customers with 200 and no body', async () => {
    const { store } = await storeWithCustomer()
    const res = await store.request('HEAD', '/customers')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(res.text).toBe('')
  })
})
