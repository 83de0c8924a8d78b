import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNKNOWN_CUSTOMER } from '../src/resources/attribute-values/service.js'
import { ATTRIBUTE_VALUE_PROBLEMS as P } from '../src/resources/attribute-values/writes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomers } from './helpers/customers.js'
import { attributeValuesOf, countsOf, createAttributes } from './helpers/subresources.js'

// /customers/attribute-values: the upsert of seed 004 (1-10 items, matched on (customer,
// attribute) or on id), values that must read as their attribute's type (acceptance 3),
// attribute_count, the list filters and DELETE.

const INVALID = 'JSON data is missing or invalid'
const invalid = (errors: Record<string, string>) => errorBody(422, INVALID, errors)
const CREATED_AT = '2024-05-01T10:00:00Z'
const MODIFIED_AT = '2024-05-03T16:45:00Z'

const value = (id: number, customerId: number, attributeId: number, text: string, modified = CREATED_AT) => ({
  id, customer_id: customerId, attribute_id: attributeId, attribute_value: text, date_created: CREATED_AT, date_modified: modified,
})

describe.each(BACKENDS)('%s: customer attribute values', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** Two customers and three attributes: 1 Nickname (string), 2 Shoe Size (number), 3 Date Joined (date). */
  async function seed(): Promise<{ store: TestStore; customers: number[] }> {
    const store = await t.newStore()
    t.clock.set(CREATED_AT)
    const customers = await createCustomers(store, 2)
    await createAttributes(store, { name: 'Nickname', type: 'string' }, { name: 'Shoe Size', type: 'number' }, { name: 'Date Joined', type: 'date' })
    return { store, customers }
  }

  const upsert = (store: TestStore, body: unknown) => store.request('PUT', '/customers/attribute-values', body)

  describe('PUT /customers/attribute-values', () => {
    it('creates values, answering attribute_value in the observed key order, and counts them', async () => {
      const { store, customers: [c1, c2] } = await seed()
      const res = await upsert(store, [
        { attribute_id: 1, value: 'Jo', customer_id: c1 },
        { attribute_id: 2, value: '42.5', customer_id: c1 },
        { attribute_id: 3, value: '2024-05-14', customer_id: c2 },
      ])
      expect(res.status).toBe(200)
      const expected = [value(1, c1!, 1, 'Jo'), value(2, c1!, 2, '42.5'), value(3, c2!, 3, '2024-05-14')]
      expect(res.body).toEqual({ data: expected, meta: {} })
      expect(Object.keys(res.body.data[0])).toEqual(['id', 'customer_id', 'attribute_id', 'attribute_value', 'date_created', 'date_modified'])
      expect(await attributeValuesOf(store)).toEqual(expected)
      expect(await countsOf(store)).toEqual({ [c1!]: [0, 2], [c2!]: [0, 1] })
    })

    it('updates the value a customer already has for the attribute (matched on customer and attribute)', async () => {
      const { store, customers: [c1] } = await seed()
      await upsert(store, [{ attribute_id: 2, value: '42', customer_id: c1 }])
      t.clock.set(MODIFIED_AT)
      const res = await upsert(store, [{ attribute_id: 2, value: '43', customer_id: c1 }])
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual([value(1, c1!, 2, '43', MODIFIED_AT)])
      expect(await attributeValuesOf(store)).toEqual([value(1, c1!, 2, '43', MODIFIED_AT)])
      expect(await countsOf(store)).toEqual({ [c1!]: [0, 1], 2: [0, 0] })
    })

    it('updates the value an id names', async () => {
      const { store, customers: [c1] } = await seed()
      await upsert(store, [{ attribute_id: 1, value: 'Jo', customer_id: c1 }])
      t.clock.set(MODIFIED_AT)
      const res = await upsert(store, [{ id: 1, attribute_id: 1, value: 'Joe', customer_id: c1 }])
      expect(res.body.data).toEqual([value(1, c1!, 1, 'Joe', MODIFIED_AT)])
    })

    it.each([
      ['number', 2, ['0', '-3', '42.50', '.5', '+7', '']],
      ['date', 3, ['2024-05-14', '2024-05-14T09:34:00Z', '2024-05-14T09:34:00.123+02:00', '2024-05-14T09:34', '']],
      ['string', 1, ['anything', '42', '', 'x'.repeat(255)]],
    ])('accepts values that read as a %s', async (_, attributeId, texts) => {
      const { store, customers: [c1] } = await seed()
      for (const text of texts) {
        const res = await upsert(store, [{ attribute_id: attributeId, value: text, customer_id: c1 }])
        expect(res.status, text).toBe(200)
        expect(res.body.data[0].attribute_value).toBe(text)
      }
    })

    it.each([
      ['number', 2, '4O', P.notANumber(2)],
      ['number', 2, '1e3', P.notANumber(2)],
      ['number', 2, '1,5', P.notANumber(2)],
      ['date', 3, 'yesterday', P.notADate(3)],
      ['date', 3, '2024-02-30', P.notADate(3)],
      ['date', 3, '14/05/2024', P.notADate(3)],
      ['date', 3, '2024-05-14T25:00:00Z', P.notADate(3)],
    ])('refuses a %s attribute the value %j with 422 on the item path, writing none of the batch', async (_, attributeId, text, message) => {
      const { store, customers: [c1, c2] } = await seed()
      const res = await upsert(store, [
        { attribute_id: 1, value: 'fine', customer_id: c2 },
        { attribute_id: attributeId, value: text, customer_id: c1 },
      ])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '1.value': message }))
      expect(await attributeValuesOf(store)).toEqual([])
      expect(await countsOf(store)).toEqual({ [c1!]: [0, 0], [c2!]: [0, 0] })
    })

    it.each([
      ['an unknown customer', { attribute_id: 1, value: 'x', customer_id: 99 }, { '1.customer_id': UNKNOWN_CUSTOMER }],
      ['an unknown attribute', { attribute_id: 99, value: 'x', customer_id: 1 }, { '1.attribute_id': P.unknownAttribute }],
      ['an unknown value id', { id: 99, attribute_id: 1, value: 'x', customer_id: 1 }, { '1.id': P.unknownValue }],
      ['a customer and attribute given twice', { attribute_id: 2, value: '5', customer_id: 1 }, { '1.attribute_id': P.repeatedPair('0') }],
      ['a value over 255 characters', { attribute_id: 1, value: 'x'.repeat(256), customer_id: 1 }, { '1.value': 'must be at most 255 characters long' }],
      ['a value that is not text', { attribute_id: 2, value: 42, customer_id: 1 }, { '1.value': 'must be a string' }],
      ['no value', { attribute_id: 1, customer_id: 1 }, { '1.value': 'is required' }],
    ])('refuses %s and writes none of the batch', async (_, item, errors) => {
      const { store } = await seed()
      const res = await upsert(store, [{ attribute_id: 2, value: '4', customer_id: 1 }, item])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid(errors))
      expect(await attributeValuesOf(store)).toEqual([])
    })

    it("refuses an id that names another customer's value", async () => {
      const { store, customers: [c1, c2] } = await seed()
      await upsert(store, [{ attribute_id: 1, value: 'Jo', customer_id: c1 }])
      const res = await upsert(store, [{ id: 1, attribute_id: 1, value: 'Al', customer_id: c2 }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '0.id': P.otherPair(c1!, 1) }))
      expect(await attributeValuesOf(store)).toEqual([value(1, c1!, 1, 'Jo')])
    })

    it('takes 10 items and answers 413 to 11, writing nothing', async () => {
      const store = await t.newStore()
      t.clock.set(CREATED_AT)
      const customers = await createCustomers(store, 10)
      const [attribute] = await createAttributes(store, { name: 'Tier', type: 'string' })
      const items = customers.map((c) => ({ attribute_id: attribute, value: 'gold', customer_id: c }))
      expect((await upsert(store, items)).status).toBe(200)
      const res = await upsert(store, [...items, items[0]])
      expect(res.status).toBe(413)
      expect(res.body).toEqual(errorBody(413, 'The maximum number of items allowed in the array is 10'))
      expect(await attributeValuesOf(store)).toHaveLength(10)
    })
  })

  describe('GET /customers/attribute-values', () => {
    /** Values 1 (c1 Nickname, day 1), 2 (c1 Shoe Size, day 2), 3 (c2 Shoe Size, day 3, changed day 4). */
    async function seeded(): Promise<{ store: TestStore; customers: number[] }> {
      const { store, customers } = await seed()
      const items = [[customers[0], 1, 'Jo'], [customers[0], 2, '42'], [customers[1], 2, '38']] as const
      for (const [i, [customer, attribute, text]] of items.entries()) {
        t.clock.set(`2024-05-0${i + 1}T12:00:00Z`)
        await upsert(store, [{ customer_id: customer, attribute_id: attribute, value: text }])
      }
      t.clock.set('2024-05-04T12:00:00Z')
      await upsert(store, [{ customer_id: customers[1], attribute_id: 2, value: '39' }])
      return { store, customers }
    }

    const ids = async (store: TestStore, query: string) => (await attributeValuesOf(store, query)).map((v) => v.id)

    it.each([
      ['customer_id:in', '&customer_id:in=2', [3]],
      ['attribute_id:in', '&attribute_id:in=1,3', [1]],
      ['name (the attribute name, any case)', '&name=shoe%20size', [2, 3]],
      ['date_created', '&date_created=2024-05-02', [2]],
      ['date_created:min and :max', '&date_created:min=2024-05-02&date_created:max=2024-05-03', [2, 3]],
      ['date_modified', '&date_modified=2024-05-04', [3]],
      ['date_modified:max', '&date_modified:max=2024-05-02T23:59:59Z', [1, 2]],
      ['date_modified:min as Unix seconds', `&date_modified:min=${Date.parse('2024-05-04T00:00:00Z') / 1000}`, [3]],
    ])('filters by %s', async (_, query, expected) => {
      const { store } = await seeded()
      expect(await ids(store, query)).toEqual(expected)
    })

    it('pages with page and limit', async () => {
      const { store } = await seeded()
      const res = await store.request('GET', '/customers/attribute-values?page=2&limit=2')
      expect(res.status).toBe(200)
      expect(res.body.data.map((v: { id: number }) => v.id)).toEqual([3])
      expect(res.body.meta.pagination).toMatchObject({ total: 3, count: 1, per_page: 2, current_page: 2, total_pages: 2 })
    })

    it('refuses plain customer_id= as an unknown filter', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers/attribute-values?customer_id=1')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'The filter(s): customer_id are not valid filter parameter(s).'))
    })
  })

  describe('DELETE /customers/attribute-values', () => {
    it('deletes values by id:in (204) and recounts attribute_count', async () => {
      const { store, customers: [c1, c2] } = await seed()
      await upsert(store, [
        { attribute_id: 1, value: 'Jo', customer_id: c1 },
        { attribute_id: 2, value: '42', customer_id: c1 },
        { attribute_id: 2, value: '38', customer_id: c2 },
      ])
      const res = await store.request('DELETE', '/customers/attribute-values?id:in=1,3,40')
      expect(res.status).toBe(204)
      expect(await attributeValuesOf(store)).toEqual([value(2, c1!, 2, '42')])
      expect(await countsOf(store)).toEqual({ [c1!]: [0, 1], [c2!]: [0, 0] })
    })

    it("deletes nothing without id:in, and nothing of another store's", async () => {
      const { store, customers: [c1] } = await seed()
      await upsert(store, [{ attribute_id: 1, value: 'Jo', customer_id: c1 }])
      const other = await t.newStore()
      expect((await store.request('DELETE', '/customers/attribute-values')).status).toBe(204)
      expect((await other.request('DELETE', '/customers/attribute-values?id:in=1')).status).toBe(204)
      expect(await attributeValuesOf(store)).toHaveLength(1)
    })
  })
})
