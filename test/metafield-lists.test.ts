import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, invalidQuery, type TestApp, type TestStore } from './helpers/app.js'
import { cursorCases, idCursor, wholeList } from './helpers/cursor-cases.js'
import { createCustomer } from './helpers/customers.js'
import { createMetafield, newMetafield, randomCartId } from './helpers/metafields.js'

// The four metafield lists (a customer's, all customers', a cart's, all carts'): filters, order,
// include_fields, page and cursor paging. One implementation serves them all, so each case runs
// on every list.

type Metafield = Record<string, any> & { id: number }

interface ListCase {
  name: string
  /** `customers` or `carts`: the batch routes are /{collection}/metafields */
  collection: string
  /** a store, and the path of the list plus the path to POST one metafield to it */
  setup(store: TestStore): Promise<{ list: string; create: string }>
}

const LISTS: ListCase[] = [
  {
    name: 'GET /customers/{customerId}/metafields',
    collection: 'customers',
    setup: async (store) => {
      const path = `/customers/${await createCustomer(store)}/metafields`
      return { list: path, create: path }
    },
  },
  {
    name: 'GET /customers/metafields',
    collection: 'customers',
    setup: async (store) => ({ list: '/customers/metafields', create: `/customers/${await createCustomer(store)}/metafields` }),
  },
  {
    name: 'GET /carts/{cart_id}/metafields',
    collection: 'carts',
    setup: async () => {
      const path = `/carts/${randomCartId()}/metafields`
      return { list: path, create: path }
    },
  },
  {
    name: 'GET /carts/metafields',
    collection: 'carts',
    setup: async () => ({ list: '/carts/metafields', create: `/carts/${randomCartId()}/metafields` }),
  },
]


describe.each(BACKENDS)('%s: metafield lists', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** A store with metafields of keys k1..k3 in namespaces a, b, a, created a day apart from 2024-05-01. */
  async function seeded(list: ListCase): Promise<{ store: TestStore; path: string; rows: Metafield[] }> {
    const store = await t.newStore()
    const { list: path, create } = await list.setup(store)
    const rows: Metafield[] = []
    for (const [i, namespace] of ['a', 'b', 'a'].entries()) {
      t.clock.set(`2024-05-0${i + 1}T12:00:00Z`)
      rows.push(await createMetafield(store, create, newMetafield({ namespace, key: `k${i + 1}` })))
    }
    return { store, path, rows }
  }

  async function ids(store: TestStore, url: string): Promise<number[]> {
    const res = await store.request('GET', url)
    expect(res.status).toBe(200)
    return res.body.data.map((m: Metafield) => m.id)
  }

  describe.each(LISTS)('$name', (list) => {
    it('lists by id ascending with both paginations on the first page', async () => {
      const { store, path, rows } = await seeded(list)
      const res = await store.request('GET', path)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: rows, meta: wholeList(rows) })
    })

    it('filters by key, key:in, namespace and namespace:in; the filters combine', async () => {
      const { store, path, rows } = await seeded(list)
      const [r1, r2, r3] = rows.map((r) => r.id)
      expect(await ids(store, `${path}?key=k2`)).toEqual([r2])
      expect(await ids(store, `${path}?key:in=k1,k3`)).toEqual([r1, r3])
      expect(await ids(store, `${path}?namespace=a`)).toEqual([r1, r3])
      expect(await ids(store, `${path}?namespace:in=b,zzz`)).toEqual([r2])
      expect(await ids(store, `${path}?namespace=a&key:in=k2,k3`)).toEqual([r3])
    })

    it('counts only what the filters keep', async () => {
      const { store, path } = await seeded(list)
      const res = await store.request('GET', `${path}?namespace=a`)
      expect(res.body.meta.pagination.total).toBe(2)
      expect(res.body.meta.pagination.links.current).toBe('?namespace=a&page=1&limit=50')
    })

    it('filters by date_created:min/max and date_modified:min/max', async () => {
      const { store, path, rows } = await seeded(list)
      const [r1, r2, r3] = rows.map((r) => r.id)
      expect(await ids(store, `${path}?date_created:min=2024-05-02`)).toEqual([r2, r3])
      expect(await ids(store, `${path}?date_created:max=2024-05-02`)).toEqual([r1, r2])
      expect(await ids(store, `${path}?date_created:min=2024-05-02T12:00:00Z&date_created:max=2024-05-02T12:00:00Z`)).toEqual([r2])
      t.clock.set('2024-06-01T00:00:00Z')
      expect((await store.request('PUT', `/${list.collection}/metafields`, [{ id: r1, value: 'x' }])).status).toBe(200)
      expect(await ids(store, `${path}?date_modified:min=2024-05-31`)).toEqual([r1])
      expect(await ids(store, `${path}?date_modified:max=2024-05-31`)).toEqual([r2, r3])
    })

    it('orders by id descending with direction=desc', async () => {
      const { store, path, rows } = await seeded(list)
      expect(await ids(store, `${path}?direction=desc`)).toEqual(rows.map((r) => r.id).reverse())
    })

    it('answers only the id and the listed fields with include_fields', async () => {
      const { store, path, rows } = await seeded(list)
      const res = await store.request('GET', `${path}?include_fields=key,value`)
      expect(res.body.data).toEqual(rows.map((r) => ({ id: r.id, key: r.key, value: r.value })))
      const resource = await store.request('GET', `${path}?include_fields[]=resource_id&include_fields[]=owner_client_id`)
      expect(resource.body.data).toEqual(rows.map((r) => ({ id: r.id, resource_id: r.resource_id, owner_client_id: r.owner_client_id })))
    })

    it('answers 422 for an include_fields value that is not a field', async () => {
      const { store, path } = await seeded(list)
      const res = await store.request('GET', `${path}?include_fields=key,secret`)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalidQuery('include_fields', 'must be one of: key, value, namespace, permission_set, resource_type, resource_id, description, date_created, date_modified, owner_client_id. For input string: "secret".'))
    })

    it('pages with page and limit, links carrying the filters', async () => {
      const { store, path, rows } = await seeded(list)
      const res = await store.request('GET', `${path}?direction=desc&page=2&limit=2`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: [rows[0]],
        meta: {
          pagination: {
            total: 3, count: 1, per_page: 2, current_page: 2, total_pages: 2,
            links: { previous: '?direction=desc&page=1&limit=2', current: '?direction=desc&page=2&limit=2' },
          },
        },
      })
    })

    it('pages with cursors forward and back, in either direction', async () => {
      const { store, path, rows } = await seeded(list)
      const [r1, r2, r3] = rows.map((r) => r.id) as [number, number, number]
      const after = await store.request('GET', `${path}?limit=1&after=${idCursor(r1)}`)
      expect(after.body).toEqual({
        data: [rows[1]],
        meta: {
          cursor_pagination: {
            count: 1, per_page: 1, start_cursor: idCursor(r2), end_cursor: idCursor(r2),
            links: { previous: `?limit=1&before=${idCursor(r2)}`, next: `?limit=1&after=${idCursor(r2)}` },
          },
        },
      })
      expect(await ids(store, `${path}?before=${idCursor(r3)}`)).toEqual([r1, r2])
      expect(await ids(store, `${path}?direction=desc&after=${idCursor(r3)}`)).toEqual([r2, r1])
    })

    cursorCases({ seed: () => seeded(list) })

    it('answers 422 for an unknown filter, a bad direction and a limit over 250', async () => {
      const { store, path } = await seeded(list)
      const unknown = await store.request('GET', `${path}?value=Ronaldo`)
      expect(unknown.status).toBe(422)
      expect(unknown.body).toEqual(errorBody(422, 'The filter(s): value are not valid filter parameter(s).'))
      const direction = await store.request('GET', `${path}?direction=up`)
      expect(direction.body).toEqual(invalidQuery('direction', 'must be one of: asc, desc. For input string: "up".'))
      const limit = await store.request('GET', `${path}?limit=251`)
      expect(limit.body).toEqual(invalidQuery('limit', 'must be at most 250. For input string: "251".'))
    })
  })

  it('lists an empty page for a customer that does not exist', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers/4242/metafields')
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([])
    expect(res.body.meta.pagination.total).toBe(0)
  })

  it("lists all customers' metafields across customers, by id", async () => {
    const store = await t.newStore()
    const [a, b] = [await createCustomer(store), await createCustomer(store)]
    const m1 = await createMetafield(store, `/customers/${a}/metafields`)
    const m2 = await createMetafield(store, `/customers/${b}/metafields`)
    const m3 = await createMetafield(store, `/customers/${a}/metafields`)
    const res = await store.request('GET', '/customers/metafields')
    expect(res.body.data).toEqual([m1, m2, m3])
    expect((await store.request('GET', `/customers/${a}/metafields`)).body.data).toEqual([m1, m3])
  })
})
