import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FORM_FIELD_VALUE_PROBLEMS as P } from '../src/resources/form-field-values/service.js'
import { FORM_FIELD_PROBLEMS } from '../src/resources/form-field-values/writes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { cursorCases } from './helpers/cursor-cases.js'
import { createCustomers } from './helpers/customers.js'
import { AKRON, defineFormFields, formFieldValuesOf, postAddresses } from './helpers/subresources.js'

// /customers/form-field-values: values of the store's customer and address form fields, shaped
// by the field's type, password values hashed and never returned; filters, page and cursors.

const INVALID = 'JSON data is missing or invalid'
const invalid = (errors: Record<string, string>) => errorBody(422, INVALID, errors)

describe.each(BACKENDS)('%s: customer form field values', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** Customers 1, 2; address 1 of customer 1; one field of each type on the customer form, two on the address form. */
  async function seed(): Promise<TestStore> {
    const store = await t.newStore()
    await defineFormFields(
      t, store,
      { form: 'customer', name: 'Sales Rep', type: 'text' },
      { form: 'customer', name: 'About you', type: 'multiline' },
      { form: 'customer', name: 'Colors', type: 'checkboxes', options: ['red', 'green', 'black'] },
      { form: 'customer', name: 'Shoe size', type: 'numbers' },
      { form: 'customer', name: 'Birthday', type: 'date' },
      { form: 'customer', name: 'Heard from', type: 'picklist', options: ['Friend', 'Email', 'Other'] },
      { form: 'customer', name: 'Topping', type: 'radiobuttons', options: ['Mushrooms', 'Olives'] },
      { form: 'customer', name: 'PIN', type: 'password' },
      { form: 'address', name: 'Delivery notes', type: 'text' },
      { form: 'address', name: 'Floor', type: 'numbers' },
    )
    const [c1] = await createCustomers(store, 2)
    await postAddresses(store, [{ ...AKRON, customer_id: c1 }])
    return store
  }

  const upsert = (store: TestStore, body: unknown) => store.request('PUT', '/customers/form-field-values', body)

  describe('PUT /customers/form-field-values', () => {
    it('stores a value of every type, shaped by its field, and answers them', async () => {
      const store = await seed()
      const items = [
        { customer_id: 1, name: 'Sales Rep', value: 'Miss Moneypenny' },
        { customer_id: 1, name: 'About you', value: 'Line one\nLine two' },
        { customer_id: 1, name: 'Colors', value: ['red', 'black'] },
        { customer_id: 1, name: 'Shoe size', value: 42.5 },
        { customer_id: 1, name: 'Birthday', value: '1990-02-28' },
        { customer_id: 2, name: 'Heard from', value: 'Friend' },
        { customer_id: 2, name: 'Topping', value: 'Mushrooms' },
        { address_id: 1, name: 'Floor', value: 3 },
      ]
      const res = await upsert(store, items)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: items, meta: {} })
      expect(await formFieldValuesOf(store)).toEqual(items)
    })

    it('updates the value an owner already has for a field', async () => {
      const store = await seed()
      await upsert(store, [{ customer_id: 1, name: 'Sales Rep', value: 'James Bond' }])
      const res = await upsert(store, [{ customer_id: 1, name: 'Sales Rep', value: 'Felix Leiter' }])
      expect(res.status).toBe(200)
      expect(await formFieldValuesOf(store)).toEqual([{ customer_id: 1, name: 'Sales Rep', value: 'Felix Leiter' }])
    })

    it('stores a password value hashed and never returns it', async () => {
      const store = await seed()
      const res = await upsert(store, [{ customer_id: 1, name: 'PIN', value: 'Secret123' }, { customer_id: 1, name: 'Sales Rep', value: 'Q' }])
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual([{ customer_id: 1, name: 'Sales Rep', value: 'Q' }])
      expect(res.text).not.toContain('Secret123')
      expect(await formFieldValuesOf(store)).toEqual([{ customer_id: 1, name: 'Sales Rep', value: 'Q' }])
      expect(await formFieldValuesOf(store, '&field_type=password')).toEqual([])
      const stored = await t.db
        .selectFrom('form_field_values as v')
        .innerJoin('stores as s', 's.id', 'v.store_id')
        .innerJoin('form_fields as f', (join) => join.onRef('f.store_id', '=', 'v.store_id').onRef('f.id', '=', 'v.field_id'))
        .select('v.value')
        .where('s.hash', '=', store.hash)
        .where('f.type', '=', 'password')
        .execute()
      expect(stored).toHaveLength(1)
      expect(JSON.parse(stored[0]!.value)).toMatch(/^scrypt\$/)
      expect(stored[0]!.value).not.toContain('Secret123')
    })

    it.each([
      ['text', 'Sales Rep', 42, 'must be a string for a text field'],
      ['checkboxes', 'Colors', 'red', `must be an array of this checkboxes field's options: "red", "green", "black"`],
      ['checkboxes', 'Colors', ['red', 'blue'], 'holds "blue", which is not an option of this field: "red", "green", "black"'],
      ['checkboxes', 'Colors', ['red', 'red'], 'must not hold the same option twice'],
      ['numbers', 'Shoe size', '42', 'must be a number for a numbers field'],
      ['date', 'Birthday', '1990-02-30', 'must be an ISO 8601 date (2024-05-14) for a date field'],
      ['date', 'Birthday', 19900228, 'must be an ISO 8601 date (2024-05-14) for a date field'],
      ['picklist', 'Heard from', 'TV', `must be one of this field's options: "Friend", "Email", "Other"`],
      ['radiobuttons', 'Topping', ['Olives'], `must be one of this field's options: "Mushrooms", "Olives"`],
    ])('refuses a %s value of the wrong shape (%j) with 422 on its path, writing none of the batch', async (_, name, value, message) => {
      const store = await seed()
      const res = await upsert(store, [{ customer_id: 2, name: 'Sales Rep', value: 'ok' }, { customer_id: 1, name, value }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '1.value': message }))
      expect(await formFieldValuesOf(store)).toEqual([])
    })

    it.each([
      ['an unknown field name', { customer_id: 1, name: 'Favourite film', value: 'x' }, { '1.name': FORM_FIELD_PROBLEMS.unknownField('customer') }],
      ['an address field on a customer', { customer_id: 1, name: 'Floor', value: 2 }, { '1.name': FORM_FIELD_PROBLEMS.unknownField('customer') }],
      ['a customer field on an address', { address_id: 1, name: 'Sales Rep', value: 'x' }, { '1.name': FORM_FIELD_PROBLEMS.unknownField('address') }],
      ['an unknown customer', { customer_id: 9, name: 'Sales Rep', value: 'x' }, { '1.customer_id': P.unknownCustomer }],
      ['an unknown address', { address_id: 9, name: 'Floor', value: 1 }, { '1.address_id': P.unknownAddress }],
      ['neither customer_id nor address_id', { name: 'Sales Rep', value: 'x' }, { 1: P.oneOwner }],
      ['both customer_id and address_id', { customer_id: 1, address_id: 1, name: 'Sales Rep', value: 'x' }, { 1: P.oneOwner }],
      ['one field twice for an owner', { customer_id: 2, name: 'Sales Rep', value: 'y' }, { '1.name': FORM_FIELD_PROBLEMS.repeated('0') }],
      ['a value of no allowed kind', { customer_id: 1, name: 'Sales Rep', value: { text: 'x' } }, { '1.value': 'must be a string or a number or an array' }],
    ])('refuses %s and writes nothing', async (_, item, errors) => {
      const store = await seed()
      const res = await upsert(store, [{ customer_id: 2, name: 'Sales Rep', value: 'ok' }, item])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid(errors))
      expect(await formFieldValuesOf(store)).toEqual([])
    })

    it('answers 413 past 50 items', async () => {
      const store = await seed()
      const items = Array.from({ length: 51 }, () => ({ customer_id: 1, name: 'Sales Rep', value: 'x' }))
      const res = await upsert(store, items)
      expect(res.status).toBe(413)
      expect(res.body).toEqual(errorBody(413, 'The maximum number of items allowed in the array is 50'))
    })
  })

  describe('GET /customers/form-field-values', () => {
    /** Values in id order: c1 Sales Rep, c1 Colors, c2 Sales Rep, a1 Floor, c2 Shoe size. */
    async function seeded(): Promise<{ store: TestStore; values: Record<string, unknown>[] }> {
      const store = await seed()
      const values = [
        { customer_id: 1, name: 'Sales Rep', value: 'James Bond' },
        { customer_id: 1, name: 'Colors', value: ['green'] },
        { customer_id: 2, name: 'Sales Rep', value: 'Felix Leiter' },
        { address_id: 1, name: 'Floor', value: 2 },
        { customer_id: 2, name: 'Shoe size', value: 38 },
      ]
      for (const item of values) expect((await upsert(store, [item])).status).toBe(200)
      return { store, values }
    }

    it.each([
      ['customer_id', '&customer_id=2', [2, 4]],
      ['address_id', '&address_id=1', [3]],
      ['field_name', '&field_name=Sales%20Rep', [0, 2]],
      ['field_type', '&field_type=numbers', [3, 4]],
      ['customer_id and field_type', '&customer_id=1&field_type=checkboxes', [1]],
    ])('filters by %s', async (_, query, indexes) => {
      const { store, values } = await seeded()
      expect(await formFieldValuesOf(store, query)).toEqual(indexes.map((i) => values[i]))
    })

    it('refuses a field_type outside the eight types', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers/form-field-values?field_type=email')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(
        errorBody(422, 'Query parameter "field_type" must be one of: checkboxes, date, multiline, numbers, password, radiobuttons, text, picklist. For input string: "email".'),
      )
    })

    it('pages with page and limit, the first page offering cursors', async () => {
      const { store, values } = await seeded()
      const res = await store.request('GET', '/customers/form-field-values?limit=2&page=2')
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual(values.slice(2, 4))
      expect(res.body.meta).toEqual({
        pagination: {
          total: 5, count: 2, per_page: 2, current_page: 2, total_pages: 3,
          links: { previous: '?page=1&limit=2', current: '?page=2&limit=2', next: '?page=3&limit=2' },
        },
      })
      const first = await store.request('GET', '/customers/form-field-values?limit=2')
      expect(first.body.meta.cursor_pagination).toMatchObject({ count: 2, per_page: 2, links: { next: expect.stringContaining('after=') } })
    })

    cursorCases({
      seed: async () => {
        const { store, values } = await seeded()
        return { store, path: '/customers/form-field-values', rows: values }
      },
    })

    it("lists only the values of the token's store", async () => {
      await seeded()
      const other = await t.newStore()
      expect(await formFieldValuesOf(other)).toEqual([])
    })
  })
})
