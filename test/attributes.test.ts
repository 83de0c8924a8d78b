import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ATTRIBUTE_PROBLEMS } from '../src/resources/attributes/service.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomers } from './helpers/customers.js'
import { attributeValuesOf, countsOf, createAttributes } from './helpers/subresources.js'

// /customers/attributes: names unique in the store, at most 50, types fixed at birth, and a
// delete that takes every customer's values with it (acceptance 4).

const INVALID = 'JSON data is missing or invalid'
const invalid = (errors: Record<string, string>) => errorBody(422, INVALID, errors)
const CREATED_AT = '2024-05-01T10:00:00Z'
const MODIFIED_AT = '2024-05-02T08:30:00Z'

const attribute = (id: number, name: string, type: string, modified = CREATED_AT) => ({
  id, name, type, date_created: CREATED_AT, date_modified: modified,
})

describe.each(BACKENDS)('%s: customer attributes', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  async function attributesOf(store: TestStore, query = '') {
    const res = await store.request('GET', `/customers/attributes${query}`)
    expect(res.status).toBe(200)
    return res.body.data
  }

  describe('POST /customers/attributes', () => {
    it('creates attributes of each type, in input order, numbered from 1 in the store', async () => {
      const store = await t.newStore()
      t.clock.set(CREATED_AT)
      const res = await store.request('POST', '/customers/attributes', [
        { name: 'Shoe Size', type: 'number' },
        { name: 'Date Joined', type: 'date' },
        { name: 'Nickname', type: 'string' },
      ])
      expect(res.status).toBe(200)
      const expected = [attribute(1, 'Shoe Size', 'number'), attribute(2, 'Date Joined', 'date'), attribute(3, 'Nickname', 'string')]
      expect(res.body).toEqual({ data: expected, meta: {} })
      expect(Object.keys(res.body.data[0])).toEqual(['id', 'name', 'type', 'date_created', 'date_modified'])
      expect(await attributesOf(store)).toEqual(expected)
    })

    it('refuses a name the store already has, in any case', async () => {
      const store = await t.newStore()
      await createAttributes(store, { name: 'Shoe Size', type: 'number' })
      const res = await store.request('POST', '/customers/attributes', [{ name: 'Age', type: 'number' }, { name: 'shoe size', type: 'string' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '1.name': ATTRIBUTE_PROBLEMS.nameTaken }))
      expect((await attributesOf(store)).map((a: { name: string }) => a.name)).toEqual(['Shoe Size'])
    })

    it('refuses one name twice in a batch', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers/attributes', [{ name: 'Age', type: 'number' }, { name: 'AGE', type: 'number' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '1.name': ATTRIBUTE_PROBLEMS.nameRepeated(0) }))
      expect(await attributesOf(store)).toEqual([])
    })

    it('takes a store to 50 attributes and refuses the 51st, writing none of its batch', async () => {
      const store = await t.newStore()
      await createAttributes(store, ...Array.from({ length: 49 }, (_, i) => ({ name: `a${i}`, type: 'string' })))
      const res = await store.request('POST', '/customers/attributes', [{ name: 'fiftieth', type: 'string' }, { name: 'fifty-first', type: 'string' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ 1: ATTRIBUTE_PROBLEMS.limitReached }))
      expect((await store.request('GET', '/customers/attributes?limit=250')).body.data).toHaveLength(49)
      expect(await createAttributes(store, { name: 'fiftieth', type: 'string' })).toEqual([50])
    })

    it.each([
      [{ type: 'string' }, '0.name', 'is required'],
      [{ name: 'x' }, '0.type', 'is required'],
      [{ name: '', type: 'string' }, '0.name', 'must not be empty'],
      [{ name: 'n'.repeat(256), type: 'string' }, '0.name', 'must be at most 255 characters long'],
      [{ name: 'x', type: 'boolean' }, '0.type', 'must be one of: string, number, date'],
    ])('refuses %j', async (item, key, message) => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers/attributes', [item])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ [key]: message }))
    })

    it('accepts a name of 255 characters', async () => {
      const store = await t.newStore()
      expect(await createAttributes(store, { name: 'n'.repeat(255), type: 'string' })).toEqual([1])
    })
  })

  describe('PUT /customers/attributes', () => {
    it('renames attributes and moves date_modified only', async () => {
      const store = await t.newStore()
      t.clock.set(CREATED_AT)
      await createAttributes(store, { name: 'Shoe Size', type: 'number' }, { name: 'Age', type: 'number' })
      t.clock.set(MODIFIED_AT)
      const res = await store.request('PUT', '/customers/attributes', [{ id: 2, name: 'Years' }, { id: 1, name: 'shoe size', type: 'number' }])
      expect(res.status).toBe(200)
      const expected = [attribute(2, 'Years', 'number', MODIFIED_AT), attribute(1, 'shoe size', 'number', MODIFIED_AT)]
      expect(res.body).toEqual({ data: expected, meta: {} })
      expect(await attributesOf(store)).toEqual([expected[1], expected[0]])
    })

    it('refuses a type change with 422 on its path and changes nothing', async () => {
      const store = await t.newStore()
      t.clock.set(CREATED_AT)
      await createAttributes(store, { name: 'Age', type: 'number' })
      const res = await store.request('PUT', '/customers/attributes', [{ id: 1, name: 'Age', type: 'string' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '0.type': ATTRIBUTE_PROBLEMS.typeFixed('number') }))
      expect(await attributesOf(store)).toEqual([attribute(1, 'Age', 'number')])
    })

    it.each([
      ['an unknown id', [{ id: 9, name: 'x' }], { '0.id': ATTRIBUTE_PROBLEMS.unknownAttribute }],
      ["another attribute's name", [{ id: 1, name: 'AGE' }], { '0.name': ATTRIBUTE_PROBLEMS.nameTaken }],
      ['one id twice', [{ id: 1, name: 'x' }, { id: 1, name: 'y' }], { '1.id': ATTRIBUTE_PROBLEMS.repeatedId(0) }],
      ['a swap of two names', [{ id: 1, name: 'Age' }, { id: 2, name: 'Shoe Size' }], { '0.name': ATTRIBUTE_PROBLEMS.nameTaken }],
      ['a missing name', [{ id: 1 }], { '0.name': 'is required' }],
    ])('refuses %s and changes nothing', async (_, body, errors) => {
      const store = await t.newStore()
      t.clock.set(CREATED_AT)
      await createAttributes(store, { name: 'Shoe Size', type: 'number' }, { name: 'Age', type: 'number' })
      const res = await store.request('PUT', '/customers/attributes', body)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid(errors))
      expect(await attributesOf(store)).toEqual([attribute(1, 'Shoe Size', 'number'), attribute(2, 'Age', 'number')])
    })
  })

  describe('DELETE /customers/attributes', () => {
    it("removes the attribute's values from every customer, and attribute_count agrees", async () => {
      const store = await t.newStore()
      const [c1, c2, c3] = await createCustomers(store, 3)
      const [size, age] = await createAttributes(store, { name: 'Shoe Size', type: 'number' }, { name: 'Age', type: 'number' })
      const res = await store.request('PUT', '/customers/attribute-values', [
        { customer_id: c1, attribute_id: size, value: '42' },
        { customer_id: c1, attribute_id: age, value: '30' },
        { customer_id: c2, attribute_id: size, value: '38' },
        { customer_id: c3, attribute_id: age, value: '61' },
      ])
      expect(res.status).toBe(200)
      expect(await countsOf(store)).toEqual({ [c1!]: [0, 2], [c2!]: [0, 1], [c3!]: [0, 1] })

      expect((await store.request('DELETE', `/customers/attributes?id:in=${size}`)).status).toBe(204)
      expect((await attributeValuesOf(store)).map((v) => [v.customer_id, v.attribute_id, v.attribute_value])).toEqual([
        [c1, age, '30'],
        [c3, age, '61'],
      ])
      expect(await countsOf(store)).toEqual({ [c1!]: [0, 1], [c2!]: [0, 0], [c3!]: [0, 1] })
      expect((await attributesOf(store)).map((a: { id: number }) => a.id)).toEqual([age])
    })

    it("ignores unknown ids and another store's attributes, and deletes nothing without id:in", async () => {
      const [a, b] = [await t.newStore(), await t.newStore()]
      await createAttributes(a, { name: 'Age', type: 'number' })
      expect((await b.request('DELETE', '/customers/attributes?id:in=1,5')).status).toBe(204)
      expect((await a.request('DELETE', '/customers/attributes')).status).toBe(204)
      expect(await attributesOf(a)).toHaveLength(1)
    })

    it('lets a type change happen as delete and create, the values gone', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const [age] = await createAttributes(store, { name: 'Age', type: 'string' })
      await store.request('PUT', '/customers/attribute-values', [{ customer_id: customer, attribute_id: age, value: 'thirty' }])
      expect((await store.request('DELETE', `/customers/attributes?id:in=${age}`)).status).toBe(204)
      expect(await createAttributes(store, { name: 'Age', type: 'number' })).toEqual([2])
      expect(await attributeValuesOf(store)).toEqual([])
    })
  })

  describe('GET /customers/attributes', () => {
    /** Shoe Size (number, created 2024-05-01), Date Joined (date, 2024-05-02), Nickname (string, 2024-05-03, renamed 2024-05-04). */
    async function seed(): Promise<TestStore> {
      const store = await t.newStore()
      const days = [['Shoe Size', 'number'], ['Date Joined', 'date'], ['Nickname', 'string']]
      for (const [i, [name, type]] of days.entries()) {
        t.clock.set(`2024-05-0${i + 1}T12:00:00Z`)
        await createAttributes(store, { name: name!, type: type! })
      }
      t.clock.set('2024-05-04T12:00:00Z')
      await store.request('PUT', '/customers/attributes', [{ id: 3, name: 'Nick' }])
      return store
    }

    const ids = async (store: TestStore, query: string) => (await attributesOf(store, query)).map((a: { id: number }) => a.id)

    it.each([
      ['name (exact, any case)', '?name=date%20joined', [2]],
      ['name:like', '?name:like=SIZE', [1]],
      ['name:like with several substrings', '?name:like=siz,nic', [1, 3]],
      ['type', '?type=date', [2]],
      ['date_created (a whole day)', '?date_created=2024-05-02', [2]],
      ['date_created:min', '?date_created:min=2024-05-02', [2, 3]],
      ['date_created:max as Unix milliseconds', `?date_created:max=${Date.parse('2024-05-02T12:00:00Z')}`, [1, 2]],
      ['date_modified', '?date_modified=2024-05-04', [3]],
      ['date_modified:min', '?date_modified:min=2024-05-03T00:00:00Z', [3]],
      ['date_modified:max', '?date_modified:max=2024-05-03', [1, 2]],
    ])('filters by %s', async (_, query, expected) => {
      const store = await seed()
      expect(await ids(store, query)).toEqual(expected)
    })

    it('pages with page and limit', async () => {
      const store = await seed()
      const res = await store.request('GET', '/customers/attributes?limit=2&page=2')
      expect(res.status).toBe(200)
      expect(res.body.data.map((a: { id: number }) => a.id)).toEqual([3])
      expect(res.body.meta.pagination).toEqual({
        total: 3, count: 1, per_page: 2, current_page: 2, total_pages: 2, links: { previous: '?page=1&limit=2', current: '?page=2&limit=2' },
      })
    })

    it('refuses an unknown type and an unknown filter', async () => {
      const store = await t.newStore()
      const bad = await store.request('GET', '/customers/attributes?type=boolean')
      expect(bad.status).toBe(422)
      expect(bad.body).toEqual(errorBody(422, 'Query parameter "type" must be one of: string, number, date. For input string: "boolean".'))
      const unknown = await store.request('GET', '/customers/attributes?customer_id:in=1')
      expect(unknown.body).toEqual(errorBody(422, 'The filter(s): customer_id:in are not valid filter parameter(s).'))
    })
  })
})
