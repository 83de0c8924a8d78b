import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomers } from './helpers/customers.js'
import { addressFrom, AKRON, defineFormFields, postAddresses } from './helpers/subresources.js'

// GET /customers/addresses: page, limit, id:in, customer_id:in, company:in, name:in,
// include=formfields; plain customer_id= is an unknown filter (observed).

const unknownFilters = (names: string) => errorBody(422, `The filter(s): ${names} are not valid filter parameter(s).`)

describe.each(BACKENDS)('%s: GET /customers/addresses', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** Two customers: 1 holds addresses 1 (Acme, John Doe) and 3 (Jane Roe); 2 holds address 2 (Initech, John Doe). */
  async function seed(): Promise<{ store: TestStore; rows: Record<string, unknown>[] }> {
    const store = await t.newStore()
    const [c1, c2] = await createCustomers(store, 2)
    const inputs = [
      { ...AKRON, customer_id: c1, company: 'Acme' },
      { ...AKRON, customer_id: c2, company: 'Initech' },
      { ...AKRON, customer_id: c1, first_name: 'Jane', last_name: 'Roe' },
    ]
    await postAddresses(store, inputs)
    return { store, rows: inputs.map((input, i) => addressFrom(i + 1, input.customer_id!, input)) }
  }

  async function list(store: TestStore, query: string) {
    const res = await store.request('GET', `/customers/addresses${query}`)
    expect(res.status).toBe(200)
    return res.body
  }

  it('lists every address by id, with the pagination meta', async () => {
    const { store, rows } = await seed()
    expect(await list(store, '')).toEqual({
      data: rows,
      meta: { pagination: { total: 3, count: 3, per_page: 50, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=50' } } },
    })
  })

  it('pages with page and limit, links repeating the other parameters', async () => {
    const { store, rows } = await seed()
    expect(await list(store, '?customer_id:in=1&limit=1&page=2')).toEqual({
      data: [rows[2]],
      meta: {
        pagination: {
          total: 2, count: 1, per_page: 1, current_page: 2, total_pages: 2,
          links: { previous: '?customer_id%3Ain=1&page=1&limit=1', current: '?customer_id%3Ain=1&page=2&limit=1' },
        },
      },
    })
  })

  it.each([
    ['id:in', '?id:in=3,1', [0, 2]],
    ['customer_id:in', '?customer_id:in=2', [1]],
    ['company:in', '?company:in=Initech,Acme', [0, 1]],
    ['name:in (first and last name, any case)', '?name:in=jane%20roe,NOBODY', [2]],
    ['filters together', '?customer_id:in=1&name:in=John%20Doe', [0]],
  ])('filters by %s', async (_, query, indexes) => {
    const { store, rows } = await seed()
    const body = await list(store, query)
    expect(body.data).toEqual(indexes.map((i) => rows[i]))
    expect(body.meta.pagination.total).toBe(indexes.length)
  })

  it('refuses plain customer_id= as an unknown filter, as BigCommerce does', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers/addresses?customer_id=1')
    expect(res.status).toBe(422)
    expect(res.body).toEqual(unknownFilters('customer_id'))
  })

  it('refuses an include other than formfields', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers/addresses?include=attributes')
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, 'Query parameter "include" must be one of: formfields. For input string: "attributes".'))
  })

  it('adds form_fields to every address with include=formfields (none: [])', async () => {
    const { store, rows } = await seed()
    await defineFormFields(t, store, { form: 'address', name: 'Delivery notes', type: 'text' }, { form: 'address', name: 'Floor', type: 'numbers' })
    const res = await store.request('PUT', '/customers/addresses', [{ id: 3, form_fields: [{ name: 'Floor', value: 4 }, { name: 'Delivery notes', value: 'Ring twice' }] }])
    expect(res.status).toBe(200)
    expect((await list(store, '?include=formfields')).data).toEqual([
      { ...rows[0], form_fields: [] },
      { ...rows[1], form_fields: [] },
      { ...rows[2], form_fields: [{ address_id: 3, name: 'Floor', value: 4 }, { address_id: 3, name: 'Delivery notes', value: 'Ring twice' }] },
    ])
    expect((await list(store, '')).data).toEqual(rows)
  })

  it('lists only the addresses of the store of the token', async () => {
    await seed()
    const other = await t.newStore()
    expect((await list(other, '')).data).toEqual([])
  })

  it('answers a read-only token', async () => {
    const { store, rows } = await seed()
    const token = await store.tokenWith([SCOPES.customersRead])
    const res = await store.request('GET', '/customers/addresses', undefined, { token })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual(rows)
  })
})
