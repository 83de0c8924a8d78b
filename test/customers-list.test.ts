import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, invalidQuery, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { addChannels } from './helpers/channels.js'
import { cursor, wholeList } from './helpers/cursor-cases.js'
import { listed, postCustomers, type Customer } from './helpers/customers.js'

// GET /customers: what a plain list holds, `include`, `sort`, refused parameters, the query
// encodings real clients send, and the list total (a per-store counter when unfiltered, count(*)
// when filtered) staying right.
// Filters are in customers-list-filters.test.ts, paging and cursors in customers-list-paging.test.ts.

const unknownFilters = (names: string) => errorBody(422, `The filter(s): ${names} are not valid filter parameter(s).`)
const INCLUDES = 'addresses, storecredit, attributes, formfields, shopper_profile_id, segment_ids'
const SORTS = 'date_created:asc, date_created:desc, last_name:asc, last_name:desc, date_modified:asc, date_modified:desc'
const DATE_HINT = 'must be a date (2024-05-14), a date-time (2024-05-14T09:34:00Z) or a Unix timestamp.'

describe.each(BACKENDS)('%s: GET /customers', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('lists whole customers by id, without store credit', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const [a] = await postCustomers(store, {
      company: 'Acme',
      phone: '555-0100',
      notes: 'Prefers email',
      tax_exempt_category: 'Non-profit',
      customer_group_id: 2,
      accepts_product_review_abandoned_cart_emails: true,
      store_credit_amounts: [{ amount: 43.15 }],
      channel_ids: [1, 2],
      authentication: { force_password_reset: true },
    })
    const [b, c] = await postCustomers(store, {}, {})
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: [a!, b!, c!].map(listed), meta: wholeList([a!, b!, c!]) })
    expect(res.body.data[0]).not.toHaveProperty('store_credit_amounts')
  })

  it("lists only the store's own customers", async () => {
    const store = await t.newStore()
    const other = await t.newStore()
    const mine = await postCustomers(store, {})
    await postCustomers(other, {}, {})
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: mine.map(listed), meta: wholeList(mine) })
  })

  describe('include', () => {
    it.each([
      ['storecredit', (c: Customer) => ({ store_credit_amounts: c.store_credit_amounts })],
      ['addresses', () => ({ addresses: [] })],
      ['attributes', () => ({ attributes: [] })],
      ['formfields', () => ({ form_fields: [] })],
      ['shopper_profile_id', () => ({ shopper_profile_id: null })],
      ['segment_ids', () => ({ segment_ids: [] })],
    ])('include=%s adds its field to every customer', async (value, added) => {
      const store = await t.newStore()
      const rows = await postCustomers(store, { store_credit_amounts: [{ amount: 43.15 }] }, {})
      const res = await store.request('GET', `/customers?include=${value}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.map((c) => ({ ...listed(c), ...added(c) })),
        meta: wholeList(rows, `include=${value}&`),
      })
    })

    it('gives store credit as stored, [{"amount": 0}] when none was set', async () => {
      const store = await t.newStore()
      await postCustomers(store, { store_credit_amounts: [{ amount: 43.15 }] }, {})
      const res = await store.request('GET', '/customers?include=storecredit')
      expect(res.status).toBe(200)
      expect(res.body.data.map((c: Customer) => c.store_credit_amounts)).toEqual([[{ amount: 43.15 }], [{ amount: 0 }]])
    })

    it('places store credit where BigCommerce does, after the cart-emails flag', async () => {
      const store = await t.newStore()
      await postCustomers(store, {})
      const res = await store.request('GET', '/customers?include=storecredit')
      const keys = Object.keys(res.body.data[0])
      expect(keys.indexOf('store_credit_amounts')).toBe(keys.indexOf('accepts_product_review_abandoned_cart_emails') + 1)
    })

    it('takes several values as a comma list', async () => {
      const store = await t.newStore()
      const rows = await postCustomers(store, {})
      const res = await store.request('GET', '/customers?include=storecredit,addresses,segment_ids')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.map((c) => ({ ...listed(c), store_credit_amounts: [{ amount: 0 }], addresses: [], segment_ids: [] })),
        meta: wholeList(rows, 'include=storecredit%2Caddresses%2Csegment_ids&'),
      })
    })
  })

  describe('sort', () => {
    // Ids, last names and both dates in different orders, each with a tie, so every sort (and
    // its id tie-break) gives a distinct list.
    async function seedForSorting(store: TestStore): Promise<Map<number, Customer>> {
      t.clock.set('2024-05-14T10:00:00Z')
      const first = await postCustomers(store, { last_name: 'Brown' }, { last_name: 'Adams' })
      t.clock.set('2024-05-14T09:00:00Z')
      const second = await postCustomers(store, { last_name: 'Clark' }, { last_name: 'Adams' })
      t.clock.set('2024-05-14T11:00:00Z')
      const res = await store.request('PUT', '/customers', [{ id: 3, notes: 'moved' }, { id: 2, notes: 'moved' }])
      expect(res.status).toBe(200)
      const latest = new Map([...first, ...second, ...res.body.data].map((c: Customer) => [c.id, c]))
      expect([...latest.keys()].sort()).toEqual([1, 2, 3, 4])
      return latest
    }

    it('lists by id ascending without a sort', async () => {
      const store = await t.newStore()
      const latest = await seedForSorting(store)
      const rows = [1, 2, 3, 4].map((id) => latest.get(id)!)
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: rows.map(listed), meta: wholeList(rows) })
    })

    it.each([
      ['date_created:asc', [3, 4, 1, 2]],
      ['date_created:desc', [2, 1, 4, 3]],
      ['last_name:asc', [2, 4, 1, 3]],
      ['last_name:desc', [3, 1, 4, 2]],
      ['date_modified:asc', [4, 1, 2, 3]],
      ['date_modified:desc', [3, 2, 1, 4]],
    ])('sort=%s orders the list, ties by id in the same direction', async (sort, order) => {
      const store = await t.newStore()
      const latest = await seedForSorting(store)
      const rows = order.map((id) => latest.get(id)!)
      const field = sort.split(':')[0]!
      const res = await store.request('GET', `/customers?sort=${sort}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: rows.map(listed),
        meta: wholeList(rows, `sort=${encodeURIComponent(sort)}&`, (c) => ({ id: c.id, [field]: c[field] })),
      })
    })
  })

  describe('refused parameters', () => {
    it.each([
      ['a word in id:in', 'id:in=hello', invalidQuery('id:in', 'value may contain only integer values. For input string: "hello".')],
      ['a word among ids', 'id:in=1,2,x', invalidQuery('id:in', 'value may contain only integer values. For input string: "x".')],
      // regression: PostgreSQL failed the query (500) on integers wider than its 32-bit columns
      ['an id above 32 bits', 'id:in=99999999999', invalidQuery('id:in', 'value may contain only integer values. For input string: "99999999999".')],
      ['a customer group above 32 bits', 'customer_group_id:in=3000000000', invalidQuery('customer_group_id:in', 'value may contain only integer values. For input string: "3000000000".')],
      ['a decimal customer group', 'customer_group_id:in=1.5', invalidQuery('customer_group_id:in', 'value may contain only integer values. For input string: "1.5".')],
      ['a word for a date', 'date_created=yesterday', invalidQuery('date_created', `${DATE_HINT} For input string: "yesterday".`)],
      ['a day that does not exist', 'date_created:min=2023-02-29', invalidQuery('date_created:min', `${DATE_HINT} For input string: "2023-02-29".`)],
      ['a month that does not exist', 'date_modified:max=2024-13-01T00:00:00Z', invalidQuery('date_modified:max', `${DATE_HINT} For input string: "2024-13-01T00:00:00Z".`)],
      ['a day-first date', 'date_modified=14/05/2024', invalidQuery('date_modified', `${DATE_HINT} For input string: "14/05/2024".`)],
      ['limit=0', 'limit=0', invalidQuery('limit', 'must be at least 1. For input string: "0".')],
      // DECISIONS 6: above the maximum is refused, not clamped
      ['limit=251', 'limit=251', invalidQuery('limit', 'must be at most 250. For input string: "251".')],
      ['a word for limit', 'limit=all', invalidQuery('limit', 'value may contain only integer values. For input string: "all".')],
      ['page=0', 'page=0', invalidQuery('page', 'must be at least 1. For input string: "0".')],
      // regression: the offset overflowed on both databases (500)
      ['a page beyond 64 bits', 'page=99999999999999999999', invalidQuery('page', 'value may contain only integer values. For input string: "99999999999999999999".')],
      ['a negative page', 'page=-1', invalidQuery('page', 'must be at least 1. For input string: "-1".')],
      ['an unknown include', 'include=orders', invalidQuery('include', `must be one of: ${INCLUDES}. For input string: "orders".`)],
      ['an unknown include among known ones', 'include=addresses,orders', invalidQuery('include', `must be one of: ${INCLUDES}. For input string: "orders".`)],
      ['an unknown sort', 'sort=id:asc', invalidQuery('sort', `must be one of: ${SORTS}. For input string: "id:asc".`)],
      ['a sort without a direction', 'sort=last_name', invalidQuery('sort', `must be one of: ${SORTS}. For input string: "last_name".`)],
      ['an unknown filter', 'foo=bar', unknownFilters('foo')],
      ['several unknown filters', 'foo=1&bar=2', unknownFilters('foo, bar')],
      ['an unknown filter beside known ones', 'limit=5&customer_id=1', unknownFilters('customer_id')],
      ['a field without its operator', 'id=1', unknownFilters('id')],
      ['an operator the field lacks', 'email:like=a', unknownFilters('email:like')],
      ['a key in another case', 'LIMIT=5', unknownFilters('LIMIT')],
      ['`constructor`', 'constructor=1', unknownFilters('constructor')],
      ['`__proto__`', '__proto__=1', unknownFilters('__proto__')],
    ])('answers 422 for %s', async (_, query, body) => {
      const store = await t.newStore()
      const res = await store.request('GET', `/customers?${query}`)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(body)
    })
  })

  describe('query encodings', () => {
    // Every form asks for customers 1 and 2 of three; links repeat the form as the client sent it.
    it.each([
      ['a comma list', 'id:in=1,2', 'id%3Ain=1%2C2&'],
      ['a percent-encoded key and list', 'id%3Ain=1%2C2', 'id%3Ain=1%2C2&'],
      ['a bracket list', 'id:in[]=1&id:in[]=2', 'id%3Ain%5B%5D=1&id%3Ain%5B%5D=2&'],
      ['a percent-encoded bracket list', 'id%3Ain%5B%5D=1&id%3Ain%5B%5D=2', 'id%3Ain%5B%5D=1&id%3Ain%5B%5D=2&'],
      ['a repeated key', 'id:in=1&id:in=2', 'id%3Ain=1&id%3Ain=2&'],
    ])('reads %s', async (_, query, carried) => {
      const store = await t.newStore()
      const [a, b] = await postCustomers(store, {}, {}, {})
      const res = await store.request('GET', `/customers?${query}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [a!, b!].map(listed), meta: wholeList([a!, b!], carried) })
    })

    it.each([
      ['a comma list', 'id:in=1,2'],
      ['a bracket list', 'id:in[]=1&id:in[]=2'],
      ['a repeated key', 'id:in=1&id:in=2'],
    ])('follows the links of %s to the same pages', async (_, query) => {
      const store = await t.newStore()
      await postCustomers(store, {}, {}, {})
      const first = await store.request('GET', `/customers?${query}&limit=1`)
      const second = await store.request('GET', `/customers${first.body.meta.pagination.links.next}`)
      const after = await store.request('GET', `/customers${first.body.meta.cursor_pagination.links.next}`)
      expect([first, second, after].map((res) => res.body.data.map((c: Customer) => c.id))).toEqual([[1], [2], [2]])
      expect(second.body.meta.pagination).toMatchObject({ total: 2, current_page: 2, total_pages: 2 })
      expect(second.body.meta.pagination.links.next).toBeUndefined()
      expect(after.body.meta.cursor_pagination.links.next).toBeUndefined()
    })

    it('reads an empty pair (`?&limit=2`)', async () => {
      const store = await t.newStore()
      const [a, b] = await postCustomers(store, {}, {}, {})
      const res = await store.request('GET', '/customers?&limit=2')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: [a!, b!].map(listed),
        meta: {
          pagination: {
            total: 3,
            count: 2,
            per_page: 2,
            current_page: 1,
            total_pages: 2,
            links: { current: '?page=1&limit=2', next: '?page=2&limit=2' },
          },
          cursor_pagination: {
            count: 2,
            per_page: 2,
            start_cursor: cursor({ id: 1 }),
            end_cursor: cursor({ id: 2 }),
            links: { next: `?limit=2&after=${cursor({ id: 2 })}` },
          },
        },
      })
    })
  })

  describe('the list total', () => {
    // Unfiltered totals come from the store's counter; filtered ones from count(*). Filters that
    // match everyone must report the same total as no filter at all.
    const MATCH_ALL = ['', '?date_created:min=2000-01-01', '?id:in=1,2,3,4,5,6,7,8,9,10', '?name:like=jane']

    async function totals(store: TestStore): Promise<number[]> {
      const totals: number[] = []
      for (const query of MATCH_ALL) {
        const res = await store.request('GET', `/customers${query}`)
        expect(res.status).toBe(200)
        totals.push(res.body.meta.pagination.total)
      }
      return totals
    }

    it('counts created customers, filtered or not', async () => {
      const store = await t.newStore()
      await postCustomers(store, {}, {}, {})
      await postCustomers(store, {}, {})
      expect(await totals(store)).toEqual([5, 5, 5, 5])
    })

    it('stops counting deleted customers, filtered or not', async () => {
      const store = await t.newStore()
      await postCustomers(store, {}, {}, {}, {}, {})
      const res = await store.request('DELETE', '/customers?id:in=2,4')
      expect(res.status).toBe(204)
      expect(await totals(store)).toEqual([3, 3, 3, 3])
      expect((await store.request('GET', '/customers')).body.data.map((c: Customer) => c.id)).toEqual([1, 3, 5])
    })

    it('counts nothing for deleting unknown or already deleted ids', async () => {
      const store = await t.newStore()
      await postCustomers(store, {}, {})
      expect((await store.request('DELETE', '/customers?id:in=2')).status).toBe(204)
      expect((await store.request('DELETE', '/customers?id:in=2,7')).status).toBe(204)
      expect(await totals(store)).toEqual([1, 1, 1, 1])
    })

    it('counts nothing for a refused create', async () => {
      const store = await t.newStore()
      const [a] = await postCustomers(store, {})
      const res = await store.request('POST', '/customers', [newCustomer(), newCustomer({ email: a!.email })])
      expect(res.status).toBe(422)
      expect(await totals(store)).toEqual([1, 1, 1, 1])
    })

    it('counts a customer created after deletes, under a new id', async () => {
      const store = await t.newStore()
      await postCustomers(store, {}, {})
      await store.request('DELETE', '/customers?id:in=1,2')
      const [c] = await postCustomers(store, {})
      expect(c!.id).toBe(3)
      expect(await totals(store)).toEqual([1, 1, 1, 1])
    })
  })
})
