import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { ADDRESS_PROBLEMS } from '../src/resources/addresses/rules.js'
import { FORM_FIELD_PROBLEMS } from '../src/resources/form-field-values/writes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp } from './helpers/app.js'
import { createCustomers } from './helpers/customers.js'
import { addressesOf, addressFrom, AKRON, countsOf, defineFormFields, formFieldValuesOf, postAddresses } from './helpers/subresources.js'

// POST /customers/addresses: many per call, the spec's required fields and lengths, countries and
// subdivisions from ISO 3166 (DECISIONS 10), duplicates left out (DECISIONS 11), all or nothing,
// address_count, form fields.

const INVALID = 'JSON data is missing or invalid'
const invalid = (errors: Record<string, string>) => errorBody(422, INVALID, errors)

/** Response key order of a real address (the spec's captured example: alphabetical). */
const KEY_ORDER = [
  'address1', 'address2', 'address_type', 'city', 'company', 'country', 'country_code', 'customer_id', 'first_name', 'id',
  'last_name', 'phone', 'postal_code', 'state_or_province',
]

describe.each(BACKENDS)('%s: POST /customers/addresses', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  describe('success', () => {
    it('creates a minimal address with the observed defaults, the country name and key order', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [addressFrom(1, customer!, AKRON)], meta: {} })
      expect(Object.keys(res.body.data[0])).toEqual(KEY_ORDER)
      expect(await addressesOf(store)).toEqual([addressFrom(1, customer!, AKRON)])
    })

    it('stores every writable field and returns it on create and on GET', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const input = {
        ...AKRON, customer_id: customer, company: 'BigCommerce', address2: 'Building 4', phone: '15551234567', address_type: 'commercial',
      }
      const data = await postAddresses(store, [input])
      expect(data).toEqual([addressFrom(1, customer!, input)])
      expect(await addressesOf(store)).toEqual(data)
    })

    it('creates many addresses in one call, in input order, numbered from 1 in every store', async () => {
      const [a, b] = [await t.newStore(), await t.newStore()]
      const [c1, c2] = await createCustomers(a, 2)
      const inputs = [
        { ...AKRON, customer_id: c1 },
        { ...AKRON, customer_id: c2 },
        { ...AKRON, customer_id: c1, address1: '1 Other Road' },
      ]
      expect(await postAddresses(a, inputs)).toEqual(inputs.map((input, i) => addressFrom(i + 1, input.customer_id!, input)))
      const [other] = await createCustomers(b)
      expect((await postAddresses(b, [{ ...AKRON, customer_id: other }]))[0]!.id).toBe(1)
    })

    it('keeps address_count of each customer true', async () => {
      const store = await t.newStore()
      const [c1, c2, c3] = await createCustomers(store, 3)
      await postAddresses(store, [
        { ...AKRON, customer_id: c1 },
        { ...AKRON, customer_id: c1, address1: '2 Main St' },
        { ...AKRON, customer_id: c2 },
      ])
      expect(await countsOf(store)).toEqual({ [c1!]: [2, 0], [c2!]: [1, 0], [c3!]: [0, 0] })
    })
  })

  describe('duplicates (DECISIONS 11)', () => {
    it('answers 200 with the other two when one of three duplicates an existing address; GET shows one copy', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const existing = { ...AKRON, customer_id: customer }
      await postAddresses(store, [existing])
      const second = { ...AKRON, customer_id: customer, address1: '2 Main St' }
      const third = { ...AKRON, customer_id: customer, address1: '3 Main St' }
      const res = await store.request('POST', '/customers/addresses', [second, { ...existing }, third])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [addressFrom(2, customer!, second), addressFrom(3, customer!, third)], meta: {} })
      const all = await addressesOf(store)
      expect(all.filter((a) => a.address1 === AKRON.address1)).toHaveLength(1)
      expect(all).toHaveLength(3)
      expect(await countsOf(store)).toEqual({ [customer!]: [3, 0] })
    })

    it('answers 200 with empty data when the only address is a duplicate, and changes nothing', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      await postAddresses(store, [{ ...AKRON, customer_id: customer }])
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [], meta: {} })
      expect(await addressesOf(store)).toEqual([addressFrom(1, customer!, AKRON)])
    })

    it('treats the defaults as given: an address sent with them spelled out is the same address', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      await postAddresses(store, [{ ...AKRON, customer_id: customer }])
      const spelled = { ...AKRON, customer_id: customer, company: '', address2: '', phone: '', address_type: 'residential', state_or_province: 'ohio' }
      expect(await postAddresses(store, [spelled])).toEqual([])
    })

    it('creates the first of two identical addresses of one batch and leaves out the second', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const data = await postAddresses(store, [{ ...AKRON, customer_id: customer }, { ...AKRON, customer_id: customer }])
      expect(data).toEqual([addressFrom(1, customer!, AKRON)])
      expect(await countsOf(store)).toEqual({ [customer!]: [1, 0] })
    })

    it('does not count an address of another customer as a duplicate', async () => {
      const store = await t.newStore()
      const [c1, c2] = await createCustomers(store, 2)
      await postAddresses(store, [{ ...AKRON, customer_id: c1 }])
      expect(await postAddresses(store, [{ ...AKRON, customer_id: c2 }])).toEqual([addressFrom(2, c2!, AKRON)])
    })

    it('counts any difference in a core field: another phone is another address', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      await postAddresses(store, [{ ...AKRON, customer_id: customer }])
      const data = await postAddresses(store, [{ ...AKRON, customer_id: customer, phone: '555' }])
      expect(data).toEqual([addressFrom(2, customer!, { ...AKRON, phone: '555' })])
    })
  })

  describe('countries and subdivisions (DECISIONS 10)', () => {
    it('accepts a country code in lower case and stores it upper case', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const data = await postAddresses(store, [{ ...AKRON, customer_id: customer, country_code: 'us' }])
      expect(data).toEqual([addressFrom(1, customer!, AKRON)])
    })

    it('answers each country with its short English name', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const data = await postAddresses(store, [
        { ...AKRON, customer_id: customer, country_code: 'GB', state_or_province: 'Kent', postal_code: 'CT1 1AA' },
        { ...AKRON, customer_id: customer, country_code: 'DE', state_or_province: 'Bayern', postal_code: '80331' },
        { ...AKRON, customer_id: customer, country_code: 'HK', state_or_province: '', postal_code: '' },
      ])
      expect(data.map((a) => a.country)).toEqual(['United Kingdom', 'Germany', 'Hong Kong'])
    })

    it('matches a subdivision name whatever its case and accents, and stores the ISO spelling', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const data = await postAddresses(store, [
        { ...AKRON, customer_id: customer, state_or_province: 'TEXAS' },
        { ...AKRON, customer_id: customer, country_code: 'DE', state_or_province: 'baden-wurttemberg', postal_code: '70173' },
      ])
      expect(data.map((a) => a.state_or_province)).toEqual(['Texas', 'Baden-Württemberg'])
    })

    it('needs no state and no postal code in a country without subdivisions or postal codes', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const input = { first_name: 'Ada', last_name: 'Wong', address1: '1 Queen\'s Road', city: 'Central', country_code: 'HK' }
      expect(await postAddresses(store, [{ ...input, customer_id: customer }])).toEqual([addressFrom(1, customer!, input, 'Hong Kong')])
    })

    it.each([
      ['an unknown country code', { country_code: 'XX' }, '0.country_code', ADDRESS_PROBLEMS.unknownCountry],
      ['no state where the country has subdivisions', { state_or_province: undefined }, '0.state_or_province', ADDRESS_PROBLEMS.stateRequired('United States')],
      ['a blank state', { state_or_province: '  ' }, '0.state_or_province', ADDRESS_PROBLEMS.stateRequired('United States')],
      ['a state code instead of its name', { state_or_province: 'TX' }, '0.state_or_province', ADDRESS_PROBLEMS.stateIsCode('TX', 'Texas')],
      ['an ISO subdivision code', { state_or_province: 'US-OH' }, '0.state_or_province', ADDRESS_PROBLEMS.stateIsCode('US-OH', 'Ohio')],
      ['a state of another country', { state_or_province: 'Bayern' }, '0.state_or_province', ADDRESS_PROBLEMS.notASubdivision('United States')],
      ['no postal code where the country uses them', { postal_code: undefined }, '0.postal_code', ADDRESS_PROBLEMS.postalCodeRequired('United States')],
    ])('refuses %s and writes nothing', async (_, change, key, message) => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer, ...change }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ [key]: message }))
      expect(await addressesOf(store)).toEqual([])
    })
  })

  describe('validation', () => {
    it.each(['customer_id', 'first_name', 'last_name', 'address1', 'city', 'country_code'])('requires %s', async (field) => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const { [field]: _, ...rest } = { ...AKRON, customer_id: customer } as Record<string, unknown>
      const res = await store.request('POST', '/customers/addresses', [rest])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ [`0.${field}`]: 'is required' }))
      expect(await addressesOf(store)).toEqual([])
    })

    it.each([
      ['first_name', 'F'.repeat(255)],
      ['last_name', 'L'.repeat(255)],
      ['company', 'C'.repeat(255)],
      ['address1', 'A'.repeat(255)],
      ['address2', 'B'.repeat(255)],
      ['city', 'C'.repeat(100)],
      ['city', ''],
      ['postal_code', '9'.repeat(30)],
      ['phone', '5'.repeat(50)],
    ])('accepts %s at the edge of its length limits (%#)', async (field, value) => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const data = await postAddresses(store, [{ ...AKRON, customer_id: customer, [field]: value }])
      expect(data[0]![field]).toBe(value)
    })

    it.each([
      ['first_name', '', 'must not be empty'],
      ['first_name', 'F'.repeat(256), 'must be at most 255 characters long'],
      ['last_name', 'L'.repeat(256), 'must be at most 255 characters long'],
      ['company', 'C'.repeat(256), 'must be at most 255 characters long'],
      ['address1', '', 'must not be empty'],
      ['city', 'C'.repeat(101), 'must be at most 100 characters long'],
      ['state_or_province', 'S'.repeat(101), 'must be at most 100 characters long'],
      ['postal_code', '9'.repeat(31), 'must be at most 30 characters long'],
      ['phone', '5'.repeat(51), 'must be at most 50 characters long'],
      ['country_code', 'U', 'must be at least 2 characters long'],
      ['country_code', 'USA', 'must be at most 2 characters long'],
      ['address_type', 'business', 'must be one of: residential, commercial'],
      ['customer_id', '1', 'must be an integer'],
      ['customer_id', 0, 'must be at least 1'],
    ])('refuses %s = %j (%#) and writes nothing', async (field, value, message) => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer, [field]: value }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ [`0.${field}`]: message }))
      expect(await addressesOf(store)).toEqual([])
    })

    it('refuses an unknown customer_id with 422 on its path', async () => {
      const store = await t.newStore()
      await createCustomers(store)
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: 99 }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '0.customer_id': ADDRESS_PROBLEMS.unknownCustomer }))
    })

    it("refuses another store's customer as unknown", async () => {
      const [a, b] = [await t.newStore(), await t.newStore()]
      await createCustomers(a)
      const res = await b.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: 1 }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '0.customer_id': ADDRESS_PROBLEMS.unknownCustomer }))
      expect(await addressesOf(a)).toEqual([])
    })

    it('answers 413 past 50 addresses and 422 to an empty array', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const many = Array.from({ length: 51 }, (_, i) => ({ ...AKRON, customer_id: customer, address1: `${i} Main St` }))
      const res = await store.request('POST', '/customers/addresses', many)
      expect(res.status).toBe(413)
      expect(res.body).toEqual(errorBody(413, 'The maximum number of items allowed in the array is 50'))
      const empty = await store.request('POST', '/customers/addresses', [])
      expect(empty.status).toBe(422)
      expect(empty.body).toEqual(invalid({ body: 'must contain at least 1 item' }))
    })

    it('writes none of a batch whose last item breaks a rule, and leaves address_count alone', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const res = await store.request('POST', '/customers/addresses', [
        { ...AKRON, customer_id: customer },
        { ...AKRON, customer_id: customer, address1: '2 Main St' },
        { ...AKRON, customer_id: customer, state_or_province: 'Atlantis' },
      ])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '2.state_or_province': ADDRESS_PROBLEMS.notASubdivision('United States') }))
      expect(await addressesOf(store)).toEqual([])
      expect(await countsOf(store)).toEqual({ [customer!]: [0, 0] })
      expect((await postAddresses(store, [{ ...AKRON, customer_id: customer }]))[0]!.id).toBe(1)
    })

    it('refuses a token without the customers write scope', async () => {
      const store = await t.newStore()
      const [customer] = await createCustomers(store)
      const token = await store.tokenWith([SCOPES.customersRead])
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer }], { token })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(errorBody(403, "You don't have a required scope to access the endpoint"))
      expect(await addressesOf(store)).toEqual([])
    })
  })

  describe('form fields', () => {
    it('stores the address form field values given with an address', async () => {
      const store = await t.newStore()
      await defineFormFields(t, store, { form: 'address', name: 'Delivery notes', type: 'multiline' })
      const [customer] = await createCustomers(store)
      const data = await postAddresses(store, [{ ...AKRON, customer_id: customer, form_fields: [{ name: 'Delivery notes', value: 'Back door' }] }])
      expect(data).toEqual([addressFrom(1, customer!, AKRON)])
      expect(await formFieldValuesOf(store)).toEqual([{ address_id: 1, name: 'Delivery notes', value: 'Back door' }])
    })

    it('refuses a field of the customer form on an address', async () => {
      const store = await t.newStore()
      await defineFormFields(t, store, { form: 'customer', name: 'Sales Rep', type: 'text' })
      const [customer] = await createCustomers(store)
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer, form_fields: [{ name: 'Sales Rep', value: 'Bond' }] }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '0.form_fields.0.name': FORM_FIELD_PROBLEMS.unknownField('address') }))
      expect(await addressesOf(store)).toEqual([])
    })

    it('refuses an address without a required address field', async () => {
      const store = await t.newStore()
      await defineFormFields(t, store, { form: 'address', name: 'Gate code', type: 'numbers', required: true })
      const [customer] = await createCustomers(store)
      const res = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: customer }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ '0.form_fields': FORM_FIELD_PROBLEMS.missingRequired('Gate code') }))
      expect(await addressesOf(store)).toEqual([])
    })

    it('leaves the form field values of a duplicate address unchanged', async () => {
      const store = await t.newStore()
      await defineFormFields(t, store, { form: 'address', name: 'Delivery notes', type: 'text' })
      const [customer] = await createCustomers(store)
      await postAddresses(store, [{ ...AKRON, customer_id: customer, form_fields: [{ name: 'Delivery notes', value: 'first' }] }])
      expect(await postAddresses(store, [{ ...AKRON, customer_id: customer, form_fields: [{ name: 'Delivery notes', value: 'second' }] }])).toEqual([])
      expect(await formFieldValuesOf(store)).toEqual([{ address_id: 1, name: 'Delivery notes', value: 'first' }])
    })
  })
})
