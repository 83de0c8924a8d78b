import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, type TestApp, type TestStore } from './helpers/app.js'
import { postCustomers, type Customer } from './helpers/customers.js'

// Offset pages past the first are read from where a neighbouring page recorded that they start,
// until the next customer write (core/pagination.ts, PageAnchors). Whatever order pages are asked
// in, and after every kind of write, each page must hold exactly the rows an offset gives: the
// same slice of the whole list, read in one page of 250.

const LIMIT = 7
const LAST_NAMES = ['Baker', 'Adams', 'Clark', 'Baker', 'Adams']

const ids = (data: Customer[]) => data.map((c) => c.id)

describe.each(BACKENDS)('%s: GET /customers offset pages read from recorded starts', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** 40 customers; last names and creation times repeat, so ties straddle page boundaries. */
  async function seeded(): Promise<TestStore> {
    const store = await t.newStore()
    for (let batch = 0; batch < 4; batch++) {
      t.clock.set(`2024-05-14T1${3 - batch}:00:00Z`)
      await postCustomers(
        store,
        ...Array.from({ length: 10 }, (_, i) => ({ last_name: LAST_NAMES[(batch * 10 + i) % LAST_NAMES.length], company: i % 2 ? 'Odd' : 'Even' })),
      )
    }
    return store
  }

  /** The whole list, and each page of it, as an offset gives them. */
  async function expectPages(store: TestStore, list: string, pageOrder: 'forward' | 'backward' | 'scattered', limit = LIMIT): Promise<void> {
    const whole = await store.request('GET', `/customers?${list}limit=250`)
    expect(whole.status).toBe(200)
    const all = ids(whole.body.data)
    const pages = Math.max(1, Math.ceil(all.length / limit))
    const numbers = Array.from({ length: pages }, (_, i) => i + 1)
    const order = pageOrder === 'forward' ? numbers : pageOrder === 'backward' ? numbers.reverse() : [3, 5, 3, 2, 5, 4, 6, 4, 1, 6].filter((n) => n <= pages)
    for (const page of order) {
      const res = await store.request('GET', `/customers?${list}page=${page}&limit=${limit}`)
      expect(res.status).toBe(200)
      expect({ page, ids: ids(res.body.data) }).toEqual({ page, ids: all.slice((page - 1) * limit, page * limit) })
      expect(res.body.data).toEqual(whole.body.data.slice((page - 1) * limit, page * limit))
      expect(res.body.meta.pagination).toMatchObject({ total: all.length, count: Math.min(limit, all.length - (page - 1) * limit), current_page: page })
    }
  }

  const LISTS = ['', 'sort=last_name:asc&', 'sort=last_name:desc&', 'sort=date_created:desc&', 'company:in=Odd&', 'company:in=Even&sort=last_name:asc&']

  it.each(LISTS)('serves every page of "%s" as an offset does, in any order', async (list) => {
    const store = await seeded()
    await expectPages(store, list, 'forward')
    await expectPages(store, list, 'backward')
    await expectPages(store, list, 'scattered')
  })

  it.each(LISTS)('serves the pages of "%s" as they are after each kind of write', async (list) => {
    const store = await seeded()
    const visit = () => expectPages(store, list, 'scattered')
    await visit()

    // a customer deleted from the middle: every later row moves up one
    expect((await store.request('DELETE', '/customers?id:in=12')).status).toBe(204)
    await visit()

    // a new customer that sorts first by name, and last by id
    t.clock.set('2024-05-14T09:00:00Z')
    await postCustomers(store, { last_name: 'Aaronson', company: 'Odd' })
    await visit()

    // an edit that moves a customer within the order and into another company
    const put = await store.request('PUT', '/customers', [{ id: 30, last_name: 'Zimmer', company: 'Odd' }])
    expect(put.status).toBe(200)
    await visit()
    const moved = await store.request('GET', '/customers?sort=last_name:desc&limit=1')
    expect(ids(moved.body.data)).toEqual([30])
  })

  it('serves every page of a list longer than the starts it keeps (16), however it is walked', async () => {
    const store = await seeded()
    // 20 pages of 2: more starts than are kept, so the oldest recorded are dropped on the way
    for (const list of ['', 'sort=last_name:asc&']) {
      await expectPages(store, list, 'forward', 2)
      await expectPages(store, list, 'backward', 2)
      await expectPages(store, list, 'forward', 2)
    }
  })

  it('serves a page past the end as empty, and again after the list grows into it', async () => {
    const store = await seeded()
    const beyond = await store.request('GET', `/customers?page=7&limit=${LIMIT}`)
    expect(beyond.status).toBe(200)
    expect(beyond.body.data).toEqual([])
    await expectPages(store, '', 'forward')
    await postCustomers(store, ...Array.from({ length: 5 }, () => ({})))
    const grown = await store.request('GET', `/customers?page=7&limit=${LIMIT}`)
    expect(ids(grown.body.data)).toEqual([43, 44, 45])
    await expectPages(store, '', 'scattered')
  })
})
