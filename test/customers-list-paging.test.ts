import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, invalidQuery, type Response, type TestApp, type TestStore } from './helpers/app.js'
import { cursor, cursorCases, idCursor } from './helpers/cursor-cases.js'
import { listed, postCustomers, type Customer } from './helpers/customers.js'

// Paging of GET /customers: offset pages with `meta.pagination` (links relative and repeating the
// request's other parameters, DECISIONS 5), cursors with `meta.cursor_pagination`
// (customers.v3.latest.yml, BEHAVIOUR.md 2.2).

/** Creates `n` customers in POSTs of at most 10; returns them as listed (without store credit). */
async function createMany(store: TestStore, n: number, overrides: (i: number) => Record<string, unknown> = () => ({})) {
  const created: Customer[] = []
  for (let start = 0; start < n; start += 10) {
    created.push(...(await postCustomers(store, ...Array.from({ length: Math.min(10, n - start) }, (_, i) => overrides(start + i)))))
  }
  return created.map(listed)
}

const ids = (res: Response) => (res.body.data as Customer[]).map((c) => c.id)


describe.each(BACKENDS)('%s: GET /customers paging', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  describe('pages', () => {
    it('gives page 1 of 50 by default', async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 3)
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows,
        meta: {
          pagination: { total: 3, count: 3, per_page: 50, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=50' } },
          cursor_pagination: { count: 3, per_page: 50, start_cursor: idCursor(1), end_cursor: idCursor(3), links: {} },
        },
      })
    })

    it('holds 50 customers on a default page and tells of the next', async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 51)
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.slice(0, 50),
        meta: {
          pagination: {
            total: 51,
            count: 50,
            per_page: 50,
            current_page: 1,
            total_pages: 2,
            links: { current: '?page=1&limit=50', next: '?page=2&limit=50' },
          },
          cursor_pagination: {
            count: 50,
            per_page: 50,
            start_cursor: idCursor(1),
            end_cursor: idCursor(50),
            links: { next: `?limit=50&after=${idCursor(50)}` },
          },
        },
      })
    })

    it('gives a first page of `limit` with pagination and cursor_pagination', async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 5)
      const res = await store.request('GET', '/customers?limit=2')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.slice(0, 2),
        meta: {
          pagination: {
            total: 5,
            count: 2,
            per_page: 2,
            current_page: 1,
            total_pages: 3,
            links: { current: '?page=1&limit=2', next: '?page=2&limit=2' },
          },
          cursor_pagination: {
            count: 2,
            per_page: 2,
            start_cursor: idCursor(1),
            end_cursor: idCursor(2),
            links: { next: `?limit=2&after=${idCursor(2)}` },
          },
        },
      })
    })

    it('gives a middle page with all three links and only pagination', async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 5)
      const res = await store.request('GET', '/customers?page=2&limit=2')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.slice(2, 4),
        meta: {
          pagination: {
            total: 5,
            count: 2,
            per_page: 2,
            current_page: 2,
            total_pages: 3,
            links: { previous: '?page=1&limit=2', current: '?page=2&limit=2', next: '?page=3&limit=2' },
          },
        },
      })
    })

    it('gives the last page without a next link', async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 5)
      const res = await store.request('GET', '/customers?page=3&limit=2')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.slice(4),
        meta: {
          pagination: {
            total: 5,
            count: 1,
            per_page: 2,
            current_page: 3,
            total_pages: 3,
            links: { previous: '?page=2&limit=2', current: '?page=3&limit=2' },
          },
        },
      })
    })

    it('answers a page past the end with no customers and a previous link', async () => {
      const store = await t.newStore()
      await createMany(store, 5)
      const res = await store.request('GET', '/customers?page=9&limit=2')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: [],
        meta: {
          pagination: {
            total: 5,
            count: 0,
            per_page: 2,
            current_page: 9,
            total_pages: 3,
            links: { previous: '?page=8&limit=2', current: '?page=9&limit=2' },
          },
        },
      })
    })

    it('answers an empty store with one page and only a current link', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: [],
        meta: {
          pagination: { total: 0, count: 0, per_page: 50, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=50' } },
          cursor_pagination: { count: 0, per_page: 50, links: {} },
        },
      })
    })

    it('accepts limit=250, the maximum', async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 2)
      const res = await store.request('GET', '/customers?limit=250')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows,
        meta: {
          pagination: { total: 2, count: 2, per_page: 250, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=250' } },
          cursor_pagination: { count: 2, per_page: 250, start_cursor: idCursor(1), end_cursor: idCursor(2), links: {} },
        },
      })
    })

    it("repeats the request's filters in every link, encoded", async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 5)
      const res = await store.request('GET', '/customers?id:in=1,2,3&page=2&limit=2')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.slice(2, 3),
        meta: {
          pagination: {
            total: 3,
            count: 1,
            per_page: 2,
            current_page: 2,
            total_pages: 2,
            links: { previous: '?id%3Ain=1%2C2%2C3&page=1&limit=2', current: '?id%3Ain=1%2C2%2C3&page=2&limit=2' },
          },
        },
      })
    })

    it("keeps the request's parameter order in links, with page and limit last", async () => {
      const store = await t.newStore()
      await createMany(store, 3, () => ({ first_name: 'Jane' }))
      const res = await store.request('GET', '/customers?limit=1&sort=last_name:asc&page=2&name:like=jane')
      expect(res.status).toBe(200)
      expect(res.body.meta.pagination.links).toEqual({
        previous: '?sort=last_name%3Aasc&name%3Alike=jane&page=1&limit=1',
        current: '?sort=last_name%3Aasc&name%3Alike=jane&page=2&limit=1',
        next: '?sort=last_name%3Aasc&name%3Alike=jane&page=3&limit=1',
      })
    })

    it('walks every customer once by following next links', async () => {
      const store = await t.newStore()
      await createMany(store, 7)
      const seen: number[] = []
      let link: string | undefined = '?id:in=1,2,3,4,5,6,7&limit=3'
      while (link !== undefined) {
        const res: Response = await store.request('GET', `/customers${link}`)
        expect(res.status).toBe(200)
        expect(res.body.meta.pagination.total).toBe(7)
        seen.push(...ids(res))
        link = res.body.meta.pagination.links.next
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7])
    })
  })

  describe('cursors', () => {
    // Customers 1 to 5, pages of two: [title, cursor, the ids on the page, its links].
    it.each([
      ['gives only cursor_pagination after a cursor', `after=${idCursor(2)}`, [3, 4], { previous: `?limit=2&before=${idCursor(3)}`, next: `?limit=2&after=${idCursor(4)}` }],
      ['gives no next link on the last cursor page', `after=${idCursor(4)}`, [5], { previous: `?limit=2&before=${idCursor(5)}` }],
      ['gives the page just before a cursor, in list order', `before=${idCursor(5)}`, [3, 4], { previous: `?limit=2&before=${idCursor(3)}`, next: `?limit=2&after=${idCursor(4)}` }],
      ['gives no previous link on the first page reached backwards', `before=${idCursor(3)}`, [1, 2], { next: `?limit=2&after=${idCursor(2)}` }],
    ])('%s', async (_, query, page, links) => {
      const store = await t.newStore()
      const rows = await createMany(store, 5)
      const res = await store.request('GET', `/customers?limit=2&${query}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: page.map((id) => rows[id - 1]),
        meta: {
          cursor_pagination: { count: page.length, per_page: 2, start_cursor: idCursor(page[0]!), end_cursor: idCursor(page[page.length - 1]!), links },
        },
      })
    })

    it('gives an empty page without cursors after the last customer', async () => {
      const store = await t.newStore()
      await createMany(store, 2)
      const res = await store.request('GET', `/customers?after=${idCursor(2)}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [], meta: { cursor_pagination: { count: 0, per_page: 50, links: {} } } })
    })

    it('ignores `page` beside a cursor', async () => {
      const store = await t.newStore()
      await createMany(store, 5)
      const withPage = await store.request('GET', `/customers?page=3&limit=2&after=${idCursor(2)}`)
      const without = await store.request('GET', `/customers?limit=2&after=${idCursor(2)}`)
      expect(withPage.status).toBe(200)
      expect(withPage.body).toEqual(without.body)
    })

    it("repeats the request's filters in cursor links", async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 5)
      const res = await store.request('GET', `/customers?id:in=1,3,5&limit=1&after=${idCursor(1)}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: [rows[2]],
        meta: {
          cursor_pagination: {
            count: 1,
            per_page: 1,
            start_cursor: idCursor(3),
            end_cursor: idCursor(3),
            links: {
              previous: `?id%3Ain=1%2C3%2C5&limit=1&before=${idCursor(3)}`,
              next: `?id%3Ain=1%2C3%2C5&limit=1&after=${idCursor(3)}`,
            },
          },
        },
      })
    })

    it('keeps its place when the customer of the cursor is deleted', async () => {
      const store = await t.newStore()
      const rows = await createMany(store, 5)
      expect((await store.request('DELETE', '/customers?id:in=2')).status).toBe(204)
      const res = await store.request('GET', `/customers?limit=2&after=${idCursor(2)}`)
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual(rows.slice(2, 4))
    })

    it('writes the cursor of {"id": N} as unpadded base64url JSON', async () => {
      const store = await t.newStore()
      await createMany(store, 1)
      const res = await store.request('GET', '/customers')
      expect(res.body.meta.cursor_pagination).toEqual({
        count: 1,
        per_page: 50,
        start_cursor: 'eyJpZCI6MX0',
        end_cursor: 'eyJpZCI6MX0',
        links: {},
      })
    })

    it("accepts BigCommerce's own example cursor", async () => {
      const store = await t.newStore()
      await createMany(store, 2)
      // eyJpZCI6MjA0fQ is {"id":204} (customers.v3.latest.yml); nothing comes after it here
      const res = await store.request('GET', '/customers?after=eyJpZCI6MjA0fQ')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [], meta: { cursor_pagination: { count: 0, per_page: 50, links: {} } } })
    })

    cursorCases({
      seed: async () => {
        const store = await t.newStore()
        const rows = await createMany(store, 7)
        // the walk's pages are of customers 1 to 7
        expect(rows.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7])
        return { store, path: '/customers', rows }
      },
      limit: 3,
    })

    // Last names and dates repeat, so ties straddle page boundaries.
    it.each([
      ['last_name:asc', [2, 5, 1, 3, 6, 4]],
      ['last_name:desc', [4, 6, 3, 1, 5, 2]],
      ['date_created:asc', [4, 5, 6, 1, 2, 3]],
      ['date_created:desc', [3, 2, 1, 6, 5, 4]],
      ['date_modified:asc', [4, 5, 6, 1, 2, 3]],
      ['date_modified:desc', [3, 2, 1, 6, 5, 4]],
    ])('walks sort=%s forward and back by cursors, ties by id', async (sort, order) => {
      const store = await t.newStore()
      const lastNames = ['Baker', 'Adams', 'Baker', 'Clark', 'Adams', 'Baker']
      t.clock.set('2024-05-14T10:00:00Z')
      await createMany(store, 3, (i) => ({ last_name: lastNames[i] }))
      t.clock.set('2024-05-14T09:00:00Z')
      await createMany(store, 3, (i) => ({ last_name: lastNames[i + 3] }))

      const field = sort.split(':')[0]!
      const whole = await store.request('GET', `/customers?sort=${sort}`)
      expect(ids(whole)).toEqual(order)
      const byId = new Map((whole.body.data as Customer[]).map((c) => [c.id, c]))
      const position = (id: number) => cursor({ id, [field]: byId.get(id)![field] })

      const first = await store.request('GET', `/customers?sort=${sort}&limit=2`)
      expect(first.body.meta.cursor_pagination).toEqual({
        count: 2,
        per_page: 2,
        start_cursor: position(order[0]!),
        end_cursor: position(order[1]!),
        links: { next: `?sort=${encodeURIComponent(sort)}&limit=2&after=${position(order[1]!)}` },
      })
      const second = await store.request('GET', `/customers?sort=${sort}&limit=2&after=${first.body.meta.cursor_pagination.end_cursor}`)
      const third = await store.request('GET', `/customers?sort=${sort}&limit=2&after=${second.body.meta.cursor_pagination.end_cursor}`)
      expect([first, second, third].map(ids)).toEqual([order.slice(0, 2), order.slice(2, 4), order.slice(4)])
      expect(third.body.meta.cursor_pagination.links.next).toBeUndefined()

      const back = await store.request('GET', `/customers?sort=${sort}&limit=2&before=${third.body.meta.cursor_pagination.start_cursor}`)
      expect(back.body).toEqual(second.body)
      const start = await store.request('GET', `/customers?sort=${sort}&limit=2&before=${back.body.meta.cursor_pagination.start_cursor}`)
      expect(ids(start)).toEqual(order.slice(0, 2))
      expect(start.body.meta.cursor_pagination.links.previous).toBeUndefined()
    })

    it('answers 422 for a cursor of an unsorted list on a sorted one', async () => {
      const store = await t.newStore()
      await createMany(store, 3)
      const res = await store.request('GET', `/customers?sort=last_name:asc&after=${idCursor(1)}`)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalidQuery('after', 'does not belong to a list sorted this way.'))
    })
  })
})
