import type { KyselyPlugin } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { ADDRESS_PROBLEMS } from '../src/resources/addresses/rules.js'
import { ATTRIBUTE_VALUE_PROBLEMS } from '../src/resources/attribute-values/writes.js'
import { NESTED_PROBLEMS } from '../src/resources/customers/nested.js'
import { FORM_FIELD_PROBLEMS } from '../src/resources/form-field-values/writes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomers } from './helpers/customers.js'
import {
  addressesOf,
  addressFrom,
  AKRON,
  attributeValuesOf,
  countsOf,
  createAttributes,
  defineFormFields,
  formFieldValuesOf,
  postAddresses,
} from './helpers/subresources.js'

// Sub-resources with customers: nested `addresses`, `attributes` and `form_fields` in POST
// /customers (and `form_fields` in PUT) under their resources' rules, in the customer's
// transaction; include=addresses,attributes,formfields for a whole page in a bounded number of
// queries (acceptance 5); counts kept true; a customer's delete takes what hangs off it, only that.

const CREATE_FAILED = 'Create customers failed.'
const UPDATE_FAILED = 'Update customers failed.'
const CREATED_AT = '2024-05-01T10:00:00Z'

describe.each(BACKENDS)('%s: sub-resources with customers', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    t.clock.set(CREATED_AT)
  })
  afterAll(() => t.close())

  /** Attributes 1 Tier (string), 2 Shoe Size (number); customer field Sales Rep; address field Delivery notes. */
  async function seedStore(): Promise<TestStore> {
    const store = await t.newStore()
    await createAttributes(store, { name: 'Tier', type: 'string' }, { name: 'Shoe Size', type: 'number' })
    await defineFormFields(t, store, { form: 'customer', name: 'Sales Rep', type: 'text' }, { form: 'address', name: 'Delivery notes', type: 'text' })
    return store
  }

  async function customerIds(store: TestStore): Promise<number[]> {
    return (await store.request('GET', '/customers')).body.data.map((c: { id: number }) => c.id)
  }

  describe('POST /customers with nested items', () => {
    it('creates the addresses, attribute values and form field values of each customer, and counts them', async () => {
      const store = await seedStore()
      const res = await store.request('POST', '/customers', [
        newCustomer({
          addresses: [{ ...AKRON, form_fields: [{ name: 'Delivery notes', value: 'Porch' }] }, { ...AKRON, address1: '2 Main St' }],
          attributes: [{ attribute_id: 1, attribute_value: 'gold' }, { attribute_id: 2, attribute_value: '42' }],
          form_fields: [{ name: 'Sales Rep', value: 'James Bond' }],
        }),
        newCustomer({ addresses: [{ ...AKRON, address1: '3 Main St' }] }),
      ])
      expect(res.status).toBe(200)
      expect(res.body.data.map((c: Record<string, unknown>) => [c.id, c.address_count, c.attribute_count])).toEqual([[1, 2, 2], [2, 1, 0]])
      expect(await addressesOf(store)).toEqual([
        addressFrom(1, 1, AKRON),
        addressFrom(2, 1, { ...AKRON, address1: '2 Main St' }),
        addressFrom(3, 2, { ...AKRON, address1: '3 Main St' }),
      ])
      expect((await attributeValuesOf(store)).map((v) => [v.customer_id, v.attribute_id, v.attribute_value])).toEqual([[1, 1, 'gold'], [1, 2, '42']])
      expect(await formFieldValuesOf(store)).toEqual([
        { customer_id: 1, name: 'Sales Rep', value: 'James Bond' },
        { address_id: 1, name: 'Delivery notes', value: 'Porch' },
      ])
    })

    it('leaves out a nested address identical to an earlier one of the same customer', async () => {
      const store = await seedStore()
      const res = await store.request('POST', '/customers', [newCustomer({ addresses: [AKRON, AKRON] })])
      expect(res.status).toBe(200)
      expect(res.body.data[0].address_count).toBe(1)
      expect(await addressesOf(store)).toEqual([addressFrom(1, 1, AKRON)])
    })

    it.each([
      ['an address in an unknown country', { addresses: [{ ...AKRON, country_code: 'ZZ' }] }, '1.addresses.0.country_code', ADDRESS_PROBLEMS.unknownCountry],
      ['an address with a state code', { addresses: [AKRON, { ...AKRON, state_or_province: 'OH' }] }, '1.addresses.1.state_or_province', ADDRESS_PROBLEMS.stateIsCode('OH', 'Ohio')],
      ['an attribute that does not exist', { attributes: [{ attribute_id: 9, attribute_value: 'x' }] }, '1.attributes.0.attribute_id', ATTRIBUTE_VALUE_PROBLEMS.unknownAttribute],
      ['a value that is not of its attribute type', { attributes: [{ attribute_id: 2, attribute_value: 'large' }] }, '1.attributes.0.attribute_value', ATTRIBUTE_VALUE_PROBLEMS.notANumber(2)],
      ['one attribute twice', { attributes: [{ attribute_id: 1, attribute_value: 'a' }, { attribute_id: 1, attribute_value: 'b' }] }, '1.attributes.1.attribute_id', ATTRIBUTE_VALUE_PROBLEMS.repeatedPair('1.attributes.0')],
      ['an unknown form field', { form_fields: [{ name: 'Shoe', value: 'x' }] }, '1.form_fields.0.name', FORM_FIELD_PROBLEMS.unknownField('customer')],
      ['an unknown address form field', { addresses: [{ ...AKRON, form_fields: [{ name: 'Sales Rep', value: 'x' }] }] }, '1.addresses.0.form_fields.0.name', FORM_FIELD_PROBLEMS.unknownField('address')],
    ])('refuses %s with the create title on its nested path, and writes no customer', async (_, nested, key, message) => {
      const store = await seedStore()
      const res = await store.request('POST', '/customers', [newCustomer(), newCustomer(nested)])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, CREATE_FAILED, { [key]: message }))
      expect(await customerIds(store)).toEqual([])
      expect(await addressesOf(store)).toEqual([])
      expect(await attributeValuesOf(store)).toEqual([])
      // PostgreSQL reserved the refused batch's 2 ids apart from it: a gap (COMPATIBILITY.md "Customer ids").
      expect(await createCustomers(store)).toEqual([backend === 'postgres' ? 3 : 1])
    })

    it.each([
      ['addresses', Array.from({ length: 11 }, (_, i) => ({ ...AKRON, address1: `${i} Main St` })), '0.addresses', 'must contain at most 10 items'],
      ['attributes', Array.from({ length: 11 }, () => ({ attribute_id: 1, attribute_value: 'x' })), '0.attributes', 'must contain at most 10 items'],
      ['addresses', [{ ...AKRON, city: undefined }], '0.addresses.0.city', 'is required'],
      ['attributes', [{ attribute_id: 1 }], '0.attributes.0.attribute_value', 'is required'],
      ['form_fields', [{ name: 'Sales Rep' }], '0.form_fields.0.value', 'is required'],
    ])('refuses nested %s breaking the schema (%#)', async (field, items, key, message) => {
      const store = await seedStore()
      const res = await store.request('POST', '/customers', [newCustomer({ [field]: items })])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { [key]: message }))
      expect(await customerIds(store)).toEqual([])
    })

    it('refuses a customer without a required customer form field', async () => {
      const store = await seedStore()
      await defineFormFields(t, store, { form: 'customer', name: 'Birthday', type: 'date', required: true })
      const res = await store.request('POST', '/customers', [newCustomer({ form_fields: [{ name: 'Birthday', value: '1990-01-01' }] }), newCustomer()])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, CREATE_FAILED, { '1.form_fields': FORM_FIELD_PROBLEMS.missingRequired('Birthday') }))
      expect(await customerIds(store)).toEqual([])
    })
  })

  describe('PUT /customers with nested items', () => {
    it('upserts form_fields of the customers it updates', async () => {
      const store = await seedStore()
      const [c1, c2] = await createCustomers(store, 2)
      for (const value of ['James Bond', 'Felix Leiter']) {
        const res = await store.request('PUT', '/customers', [{ id: c2, form_fields: [{ name: 'Sales Rep', value }] }])
        expect(res.status).toBe(200)
      }
      expect(await formFieldValuesOf(store)).toEqual([{ customer_id: c2, name: 'Sales Rep', value: 'Felix Leiter' }])
      expect(await formFieldValuesOf(store, `&customer_id=${c1}`)).toEqual([])
    })

    it('refuses an unknown form field with the update title and changes nothing', async () => {
      const store = await seedStore()
      const [customer] = await createCustomers(store)
      const res = await store.request('PUT', '/customers', [{ id: customer, notes: 'changed', form_fields: [{ name: 'Nope', value: 'x' }] }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, UPDATE_FAILED, { '0.form_fields.0.name': FORM_FIELD_PROBLEMS.unknownField('customer') }))
      expect((await store.request('GET', '/customers')).body.data[0].notes).toBe('')
    })

    it.each(['addresses', 'attributes'] as const)('refuses nested %s with items, pointing at their own route', async (field) => {
      const store = await seedStore()
      const [customer] = await createCustomers(store)
      const res = await store.request('PUT', '/customers', [{ id: customer, notes: 'changed', [field]: [{ any: 'thing' }] }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, UPDATE_FAILED, { [`0.${field}`]: NESTED_PROBLEMS.notOnUpdate(field) }))
      expect((await store.request('GET', '/customers')).body.data[0].notes).toBe('')
    })

    it('accepts empty addresses and attributes lists', async () => {
      const store = await seedStore()
      const [customer] = await createCustomers(store)
      const res = await store.request('PUT', '/customers', [{ id: customer, notes: 'n', addresses: [], attributes: [] }])
      expect(res.status).toBe(200)
    })
  })

  describe('GET /customers?include=', () => {
    /** Customer 1 with everything, customer 2 with nothing, customer 3 with one address. */
    async function seeded(): Promise<TestStore> {
      const store = await seedStore()
      const res = await store.request('POST', '/customers', [
        newCustomer({
          addresses: [{ ...AKRON, form_fields: [{ name: 'Delivery notes', value: 'Porch' }] }],
          attributes: [{ attribute_id: 2, attribute_value: '42' }],
          form_fields: [{ name: 'Sales Rep', value: 'Q' }],
        }),
        newCustomer(),
        newCustomer({ addresses: [{ ...AKRON, address1: '9 Elm St' }] }),
      ])
      expect(res.status).toBe(200)
      return store
    }

    const attributeValue = { id: 1, customer_id: 1, attribute_id: 2, attribute_value: '42', date_created: CREATED_AT, date_modified: CREATED_AT }

    it('fills addresses, attributes and form_fields for every customer of the page', async () => {
      const store = await seeded()
      const res = await store.request('GET', '/customers?include=addresses,attributes,formfields')
      expect(res.status).toBe(200)
      const included = res.body.data.map((c: Record<string, unknown>) => ({ addresses: c.addresses, attributes: c.attributes, form_fields: c.form_fields }))
      expect(included).toEqual([
        { addresses: [{ ...addressFrom(1, 1, AKRON), form_fields: [{ address_id: 1, name: 'Delivery notes', value: 'Porch' }] }], attributes: [attributeValue], form_fields: [{ customer_id: 1, name: 'Sales Rep', value: 'Q' }] },
        { addresses: [], attributes: [], form_fields: [] },
        { addresses: [{ ...addressFrom(2, 3, { ...AKRON, address1: '9 Elm St' }), form_fields: [] }], attributes: [], form_fields: [] },
      ])
    })

    it('includes addresses without their form fields unless formfields is asked for too', async () => {
      const store = await seeded()
      const res = await store.request('GET', '/customers?include=addresses&id:in=1')
      expect(res.body.data[0].addresses).toEqual([addressFrom(1, 1, AKRON)])
      expect(res.body.data[0]).not.toHaveProperty('attributes')
      expect(res.body.data[0]).not.toHaveProperty('form_fields')
    })

    it('includes only what the page holds: page 2 of one customer each', async () => {
      const store = await seeded()
      const res = await store.request('GET', '/customers?include=attributes&limit=1&page=1')
      expect(res.body.data.map((c: Record<string, unknown>) => c.attributes)).toEqual([[attributeValue]])
    })

    it('answers a page of 2 and a page of 20 customers with every include in the same small number of queries', async () => {
      const store = await seedStore()
      for (let batch = 0; batch < 2; batch += 1) {
        const customers = Array.from({ length: 10 }, (_, i) =>
          newCustomer({
            addresses: [{ ...AKRON, address1: `${i} Main St`, form_fields: [{ name: 'Delivery notes', value: 'n' }] }, { ...AKRON, address1: `${i} Side St` }],
            attributes: [{ attribute_id: 1, attribute_value: 't' }, { attribute_id: 2, attribute_value: `${i}` }],
            form_fields: [{ name: 'Sales Rep', value: 'Q' }],
          }),
        )
        expect((await store.request('POST', '/customers', customers)).status).toBe(200)
      }
      // Every statement the app runs through this handle is counted (the auth lookup included), as
      // its result comes back: a query compiled once and run again (src/db/precompiled.ts) is
      // counted each time it runs.
      let queries = 0
      const counter: KyselyPlugin = {
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          queries += 1
          return args.result
        },
      }
      const app = buildApp({ db: t.db.withPlugin(counter), clock: t.clock.now })
      await app.ready()
      try {
        const countFor = async (limit: number, include: string) => {
          queries = 0
          const res = await send(app, 'GET', `/stores/${store.hash}/v3/customers?limit=${limit}${include}`, undefined, { 'x-auth-token': store.token })
          expect(res.status).toBe(200)
          expect(res.body.data).toHaveLength(limit)
          for (const customer of include ? res.body.data : []) {
            expect(customer.addresses).toHaveLength(2)
            expect(customer.addresses[0].form_fields).toHaveLength(1)
            expect(customer.attributes).toHaveLength(2)
            expect(customer.form_fields).toHaveLength(1)
          }
          return queries
        }
        const all = '&include=addresses,attributes,formfields'
        const [plain, small, large] = [await countFor(20, ''), await countFor(2, all), await countFor(20, all)]
        expect(large).toBe(small)
        // One query per included kind: addresses, their form field values, attribute values,
        // customer form field values. (Today: 3 without includes, 7 with.)
        expect(large - plain).toBe(4)
      } finally {
        await app.close()
      }
    })
  })

  describe('counts and cascades', () => {
    it("deleting a customer removes its addresses, values and form field values, and nothing of another customer's", async () => {
      const store = await seedStore()
      const customer = (address1: string) =>
        newCustomer({
          addresses: [{ ...AKRON, address1, form_fields: [{ name: 'Delivery notes', value: address1 }] }],
          attributes: [{ attribute_id: 1, attribute_value: address1 }],
          form_fields: [{ name: 'Sales Rep', value: address1 }],
        })
      expect((await store.request('POST', '/customers', [customer('1 Main St'), customer('2 Main St')])).status).toBe(200)
      const other = await seedStore()
      expect((await other.request('POST', '/customers', [customer('1 Main St')])).status).toBe(200)

      expect((await store.request('DELETE', '/customers?id:in=1')).status).toBe(204)
      expect(await addressesOf(store)).toEqual([addressFrom(2, 2, { ...AKRON, address1: '2 Main St' })])
      expect((await attributeValuesOf(store)).map((v) => v.customer_id)).toEqual([2])
      expect(await formFieldValuesOf(store)).toEqual([
        { customer_id: 2, name: 'Sales Rep', value: '2 Main St' },
        { address_id: 2, name: 'Delivery notes', value: '2 Main St' },
      ])
      expect(await countsOf(store)).toEqual({ 2: [1, 1] })
      expect(await addressesOf(other)).toHaveLength(1)
      expect(await attributeValuesOf(other)).toHaveLength(1)
      expect(await formFieldValuesOf(other)).toHaveLength(2)
    })

    it('keeps address_count and attribute_count true through every kind of write', async () => {
      const store = await seedStore()
      const [c1, c2] = await createCustomers(store, 2)
      await postAddresses(store, [{ ...AKRON, customer_id: c1 }, { ...AKRON, customer_id: c1, address1: '2 Main St' }])
      await store.request('PUT', '/customers/attribute-values', [{ customer_id: c1, attribute_id: 1, value: 'a' }, { customer_id: c2, attribute_id: 2, value: '1' }])
      expect(await countsOf(store)).toEqual({ [c1!]: [2, 1], [c2!]: [0, 1] })
      await store.request('PUT', '/customers/addresses', [{ id: 2, address1: AKRON.address1 }])
      await store.request('PUT', '/customers/attribute-values', [{ customer_id: c1, attribute_id: 1, value: 'b' }])
      expect(await countsOf(store)).toEqual({ [c1!]: [2, 1], [c2!]: [0, 1] })
      await store.request('DELETE', '/customers/addresses?id:in=1')
      await store.request('DELETE', '/customers/attributes?id:in=2')
      expect(await countsOf(store)).toEqual({ [c1!]: [1, 1], [c2!]: [0, 0] })
    })
  })
})
