import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, type TestApp, type TestStore } from './helpers/app.js'

// DELETE /customers?id:in=...: 204 with no body whatever the ids (BEHAVIOUR.md 3.4), nothing
// deleted without `id:in` (DECISIONS 4), never across stores, ids never reused (DECISIONS 21).

type Customer = Record<string, unknown> & { id: number }

describe.each(BACKENDS)('%s: DELETE /customers', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** A store holding `n` customers (ids 1..n); returns them as created. */
  async function storeWith(n: number): Promise<{ store: TestStore; customers: Customer[] }> {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', Array.from({ length: n }, () => newCustomer()))
    expect(res.status).toBe(200)
    return { store, customers: res.body.data }
  }

  /** The store's customers as GET returns them with store credit, and the list total. */
  async function listOf(store: TestStore): Promise<{ customers: Customer[]; total: number }> {
    const res = await store.request('GET', '/customers?include=storecredit&limit=250')
    expect(res.status).toBe(200)
    return { customers: res.body.data, total: res.body.meta.pagination.total }
  }

  function expectNoContent(res: { status: number; text: string }) {
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
  }

  it('deletes the listed customers, answers 204 with no body and leaves the others', async () => {
    const { store, customers } = await storeWith(3)
    expectNoContent(await store.request('DELETE', '/customers?id:in=1,2'))
    const gone = await store.request('GET', '/customers?id:in=1,2')
    expect(gone.status).toBe(200)
    expect(gone.body.data).toEqual([])
    expect(await listOf(store)).toEqual({ customers: [customers[2]], total: 1 })
  })

  it('deletes one customer named by a single id', async () => {
    const { store, customers } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers?id:in=2'))
    expect(await listOf(store)).toEqual({ customers: [customers[0]], total: 1 })
  })

  it('answers 204 to unknown ids and deletes nothing', async () => {
    const { store, customers } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers?id:in=98,99'))
    expect(await listOf(store)).toEqual({ customers, total: 2 })
  })

  it('deletes the known ids of a list that also names unknown ones', async () => {
    const { store, customers } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers?id:in=1,99'))
    expect(await listOf(store)).toEqual({ customers: [customers[1]], total: 1 })
  })

  it('answers 204 to ids no customer can have and deletes nothing', async () => {
    const { store, customers } = await storeWith(1)
    expectNoContent(await store.request('DELETE', '/customers?id:in=0,-1'))
    expect(await listOf(store)).toEqual({ customers, total: 1 })
  })

  it('answers 422 to an id beyond 32 bits, as an integer parse refuses it, and deletes nothing', async () => {
    const { store, customers } = await storeWith(1)
    const res = await store.request('DELETE', `/customers?id:in=1,${2 ** 31}`)
    expect(res.status).toBe(422)
    expect(res.body).toEqual(
      errorBody(422, `Query parameter "id:in" value may contain only integer values. For input string: "${2 ** 31}".`),
    )
    expect(await listOf(store)).toEqual({ customers, total: 1 })
  })

  it('answers 204 without id:in and deletes nothing', async () => {
    const { store, customers } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers'))
    expect(await listOf(store)).toEqual({ customers, total: 2 })
  })

  it('answers 204 to an empty id:in and deletes nothing', async () => {
    const { store, customers } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers?id:in='))
    expect(await listOf(store)).toEqual({ customers, total: 2 })
  })

  it('answers 422 to an id that is not an integer and deletes nothing', async () => {
    const { store, customers } = await storeWith(2)
    const res = await store.request('DELETE', '/customers?id:in=1,abc')
    expect(res.status).toBe(422)
    expect(res.body).toEqual(
      errorBody(422, 'Query parameter "id:in" value may contain only integer values. For input string: "abc".'),
    )
    expect(await listOf(store)).toEqual({ customers, total: 2 })
  })

  it("deletes only the store's own customers when ids match another store's", async () => {
    const mine = await storeWith(1)
    const theirs = await storeWith(2)
    expectNoContent(await mine.store.request('DELETE', '/customers?id:in=1,2'))
    expect(await listOf(mine.store)).toEqual({ customers: [], total: 0 })
    expect(await listOf(theirs.store)).toEqual({ customers: theirs.customers, total: 2 })
  })

  it('never gives a deleted id to the next customer', async () => {
    const { store } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers?id:in=2'))
    const res = await store.request('POST', '/customers', [newCustomer()])
    expect(res.status).toBe(200)
    expect(res.body.data[0].id).toBe(3)
  })

  it('keeps counting ids after every customer is deleted', async () => {
    const { store } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers?id:in=1,2'))
    const res = await store.request('POST', '/customers', [newCustomer()])
    expect(res.status).toBe(200)
    expect(res.body.data[0].id).toBe(3)
    expect((await listOf(store)).total).toBe(1)
  })

  it('frees the email of a deleted customer', async () => {
    const store = await t.newStore()
    const email = 'reused@example.com'
    expect((await store.request('POST', '/customers', [newCustomer({ email })])).status).toBe(200)
    expectNoContent(await store.request('DELETE', '/customers?id:in=1'))
    const res = await store.request('POST', '/customers', [newCustomer({ email })])
    expect(res.status).toBe(200)
    expect(res.body.data[0]).toMatchObject({ id: 2, email })
  })

  it('answers 204 to a second delete of the same ids', async () => {
    const { store, customers } = await storeWith(2)
    expectNoContent(await store.request('DELETE', '/customers?id:in=1'))
    expectNoContent(await store.request('DELETE', '/customers?id:in=1'))
    expect(await listOf(store)).toEqual({ customers: [customers[1]], total: 1 })
  })

  it('accepts Content-Type: application/json with no body', async () => {
    const { store, customers } = await storeWith(2)
    const res = await store.request('DELETE', '/customers?id:in=1', undefined, { headers: { 'content-type': 'application/json' } })
    expectNoContent(res)
    expect(await listOf(store)).toEqual({ customers: [customers[1]], total: 1 })
  })
})
