import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADDRESS_PROBLEMS } from '../src/resources/addresses/rules.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomers } from './helpers/customers.js'
import { addressesOf, addressFrom, AKRON, countsOf, defineFormFields, formFieldValuesOf, postAddresses } from './helpers/subresources.js'

// PUT /customers/addresses (partial, by id; becoming identical to another address is a silent
// skip, DECISIONS 11) and DELETE /customers/addresses?id:in= (address_count follows).

const INVALID = 'JSON data is missing or invalid'
const invalid = (errors: Record<string, string>) => errorBody(422, INVALID, errors)

describe.each(BACKENDS)('%s: PUT /customers/addresses', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** A store with one customer holding two addresses (ids 1: AKRON, 2: AKRON at 2 Main St). */
  async function seed(): Promise<{ store: TestStore; customer: number }> {
    const store = await t.newStore()
    const [customer] = await createCustomers(store)
    await postAddresses(store, [{ ...AKRON, customer_id: customer }, { ...AKRON, customer_id: customer, address1: '2 Main St' }])
    return { store, customer: customer! }
  }

  it('changes only the fields given and answers the whole address', async () => {
    const { store, customer } = await seed()
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, first_name: 'Jane', phone: '555-0100' }])
    expect(res.status).toBe(200)
    const expected = addressFrom(1, customer, { ...AKRON, first_name: 'Jane', phone: '555-0100' })
    expect(res.body).toEqual({ data: [expected], meta: {} })
    expect(await addressesOf(store)).toEqual([expected, addressFrom(2, customer, { ...AKRON, address1: '2 Main St' })])
  })

  it('updates many addresses in one call, answering them in input order', async () => {
    const { store, customer } = await seed()
    const data = (await store.request('PUT', '/customers/addresses', [{ id: 2, city: 'Austin', state_or_province: 'Texas' }, { id: 1, address_type: 'commercial' }])).body.data
    expect(data).toEqual([
      addressFrom(2, customer, { ...AKRON, address1: '2 Main St', city: 'Austin', state_or_province: 'Texas' }),
      addressFrom(1, customer, { ...AKRON, address_type: 'commercial' }),
    ])
  })

  it('checks the merged address: a new country needs a state of its own', async () => {
    const { store } = await seed()
    const before = await addressesOf(store)
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, country_code: 'CA' }])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(invalid({ '0.state_or_province': ADDRESS_PROBLEMS.notASubdivision('Canada') }))
    expect(await addressesOf(store)).toEqual(before)
  })

  it('moves an address to another country with its state and answers the new country name', async () => {
    const { store, customer } = await seed()
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, country_code: 'CA', state_or_province: 'Ontario', postal_code: 'M5V 2T6' }])
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([addressFrom(1, customer, { ...AKRON, country_code: 'CA', state_or_province: 'Ontario', postal_code: 'M5V 2T6' }, 'Canada')])
  })

  it('answers 200 without an address that would become identical to another, and changes nothing of it', async () => {
    const { store, customer } = await seed()
    const before = await addressesOf(store)
    const res = await store.request('PUT', '/customers/addresses', [{ id: 2, address1: AKRON.address1 }, { id: 1, phone: '555' }])
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: [addressFrom(1, customer, { ...AKRON, phone: '555' })], meta: {} })
    expect((await addressesOf(store))[1]).toEqual(before[1])
  })

  it('updates an address to match itself (no change) and answers it', async () => {
    const { store, customer } = await seed()
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, first_name: AKRON.first_name }])
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([addressFrom(1, customer, AKRON)])
  })

  it("lets an address become identical to another customer's address", async () => {
    const { store, customer } = await seed()
    const [other] = await createCustomers(store)
    await postAddresses(store, [{ ...AKRON, customer_id: other, address1: '9 Elm St' }])
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, address1: '9 Elm St' }])
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([addressFrom(1, customer, { ...AKRON, address1: '9 Elm St' })])
  })

  it('refuses an unknown id, or one of another store, and changes nothing', async () => {
    const { store } = await seed()
    const other = await t.newStore()
    const before = await addressesOf(store)
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, city: 'Dayton' }, { id: 99, city: 'Dayton' }])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(invalid({ '1.id': ADDRESS_PROBLEMS.unknownAddress }))
    const foreign = await other.request('PUT', '/customers/addresses', [{ id: 1, city: 'Dayton' }])
    expect(foreign.body).toEqual(invalid({ '0.id': ADDRESS_PROBLEMS.unknownAddress }))
    expect(await addressesOf(store)).toEqual(before)
  })

  it('refuses one id twice in a batch', async () => {
    const { store } = await seed()
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, city: 'Dayton' }, { id: 1, city: 'Kent' }])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(invalid({ '1.id': ADDRESS_PROBLEMS.repeatedId(0) }))
  })

  it.each([
    ['id', undefined, '0.id', 'is required'],
    ['first_name', '', '0.first_name', 'must not be empty'],
    ['city', 'C'.repeat(101), '0.city', 'must be at most 100 characters long'],
    ['address_type', 'office', '0.address_type', 'must be one of: residential, commercial'],
  ])('refuses %s = %j and changes nothing', async (field, value, key, message) => {
    const { store } = await seed()
    const before = await addressesOf(store)
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, phone: '1', [field]: value }])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(invalid({ [key]: message }))
    expect(await addressesOf(store)).toEqual(before)
  })

  it('writes none of a batch whose last item breaks a rule', async () => {
    const { store } = await seed()
    const before = await addressesOf(store)
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, city: 'Dayton' }, { id: 2, state_or_province: 'TX' }])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(invalid({ '1.state_or_province': ADDRESS_PROBLEMS.stateIsCode('TX', 'Texas') }))
    expect(await addressesOf(store)).toEqual(before)
  })

  it('upserts address form field values', async () => {
    const { store } = await seed()
    await defineFormFields(t, store, { form: 'address', name: 'Delivery notes', type: 'text' })
    for (const value of ['Porch', 'Back door']) {
      const res = await store.request('PUT', '/customers/addresses', [{ id: 2, form_fields: [{ name: 'Delivery notes', value }] }])
      expect(res.status).toBe(200)
    }
    expect(await formFieldValuesOf(store)).toEqual([{ address_id: 2, name: 'Delivery notes', value: 'Back door' }])
  })

  it('does not check required address fields on a partial update', async () => {
    const { store, customer } = await seed()
    await defineFormFields(t, store, { form: 'address', name: 'Gate code', type: 'numbers', required: true })
    const res = await store.request('PUT', '/customers/addresses', [{ id: 1, city: 'Dayton' }])
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([addressFrom(1, customer, { ...AKRON, city: 'Dayton' })])
  })
})

describe.each(BACKENDS)('%s: DELETE /customers/addresses', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('deletes the addresses of id:in (204), keeps the others and recounts address_count', async () => {
    const store = await t.newStore()
    const [c1, c2] = await createCustomers(store, 2)
    await postAddresses(store, [
      { ...AKRON, customer_id: c1 },
      { ...AKRON, customer_id: c1, address1: '2 Main St' },
      { ...AKRON, customer_id: c2 },
    ])
    const res = await store.request('DELETE', '/customers/addresses?id:in=1,3,77')
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect(await addressesOf(store)).toEqual([addressFrom(2, c1!, { ...AKRON, address1: '2 Main St' })])
    expect(await countsOf(store)).toEqual({ [c1!]: [1, 0], [c2!]: [0, 0] })
  })

  it('deletes nothing without id:in (204)', async () => {
    const store = await t.newStore()
    const [customer] = await createCustomers(store)
    await postAddresses(store, [{ ...AKRON, customer_id: customer }])
    expect((await store.request('DELETE', '/customers/addresses')).status).toBe(204)
    expect(await addressesOf(store)).toHaveLength(1)
  })

  it("leaves another store's addresses alone", async () => {
    const [a, b] = [await t.newStore(), await t.newStore()]
    const [customer] = await createCustomers(a)
    await postAddresses(a, [{ ...AKRON, customer_id: customer }])
    expect((await b.request('DELETE', '/customers/addresses?id:in=1')).status).toBe(204)
    expect(await addressesOf(a)).toHaveLength(1)
  })

  it("deletes the address's form field values with it", async () => {
    const store = await t.newStore()
    await defineFormFields(t, store, { form: 'address', name: 'Delivery notes', type: 'text' })
    const [customer] = await createCustomers(store)
    await postAddresses(store, [
      { ...AKRON, customer_id: customer, form_fields: [{ name: 'Delivery notes', value: 'one' }] },
      { ...AKRON, customer_id: customer, address1: '2 Main St', form_fields: [{ name: 'Delivery notes', value: 'two' }] },
    ])
    expect((await store.request('DELETE', '/customers/addresses?id:in=1')).status).toBe(204)
    expect(await formFieldValuesOf(store)).toEqual([{ address_id: 2, name: 'Delivery notes', value: 'two' }])
  })
})
