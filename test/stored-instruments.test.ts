import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_SCOPES, SCOPES } from '../src/core/scopes.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, errorBody, newCustomer, type Response, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'
import { throughApp, useProcessDatabase } from './helpers/process.js'

// GET /customers/{customerId}/stored-instruments (BEHAVIOUR 8): a bare array of the three
// instrument shapes, behind the stored-instruments scopes; the admin API and CLI add and remove
// instruments as test fixtures, at most one default per customer.

const NOT_FOUND = errorBody(404, 'The resource at that URL is not found.')
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")
const TOKEN = /^[0-9a-f]{64}$/

const BILLING = {
  first_name: 'Tester',
  last_name: 'Tester',
  email: 'example@email.com',
  company: 'Test Company',
  address1: '1 Sample Street',
  address2: 'Apt 1',
  city: 'Las Vegas',
  postal_code: '90854',
  state_or_province: 'Nevada',
  state_or_province_code: 'NV',
  country_code: 'US',
  phone: '101-192-0293',
}

/** The spec's example card, and one of each other type. */
const CARD = {
  type: 'stored_card',
  token: '84596bea275fa254da820056bdc3e495bdf01fd11c51b0336347d447ee16200c',
  is_default: true,
  brand: 'VISA',
  expiry_month: 1,
  expiry_year: 2030,
  issuer_identification_number: '411111',
  last_4: '1111',
  billing_address: BILLING,
}
const PAYPAL = { type: 'stored_paypal_account', token: 'paypal-1', is_default: false, email: 'bc-buyer-paypal-express@example.com' }
const BANK = { type: 'stored_bank_account', token: 'bank-1', is_default: false, masked_account_number: '12XXX56', issuer: 'DE001' }

describe.each(BACKENDS)('%s: GET /customers/{customerId}/stored-instruments', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  async function add(store: TestStore, customer: number, instrument: unknown): Promise<Response> {
    return admin(t, 'POST', `/stores/${store.hash}/customers/${customer}/stored-instruments`, instrument)
  }

  describe('the API', () => {
    it('answers [] for a customer without instruments', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      const res = await store.request('GET', `/customers/${id}/stored-instruments`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual([])
    })

    it("answers the customer's instruments as a bare array, oldest first, each in its type's shape", async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      for (const instrument of [CARD, PAYPAL, BANK]) expect((await add(store, id, instrument)).status).toBe(200)
      const res = await store.request('GET', `/customers/${id}/stored-instruments`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual([CARD, PAYPAL, BANK])
      expect(Object.keys(res.body[0])).toEqual(Object.keys(CARD))
      expect(Object.keys(res.body[0].billing_address)).toEqual(Object.keys(BILLING))
    })

    it("keeps each customer's instruments to that customer", async () => {
      const store = await t.newStore()
      const [one, two] = [await createCustomer(store), await createCustomer(store)]
      await add(store, one, PAYPAL)
      expect((await store.request('GET', `/customers/${two}/stored-instruments`)).body).toEqual([])
    })

    it.each([
      ['a customer that does not exist', 42],
      ['an id beyond any customer', 2 ** 31],
    ])('answers 404 for %s', async (_, id) => {
      const store = await t.newStore()
      const res = await store.request('GET', `/customers/${id}/stored-instruments`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it("answers 404 for another store's customer", async () => {
      const [mine, theirs] = [await t.newStore(), await t.newStore()]
      const id = await createCustomer(theirs)
      await add(theirs, id, PAYPAL)
      const res = await mine.request('GET', `/customers/${id}/stored-instruments`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 422 to a customer id that is not an integer', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers/abc/stored-instruments')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { customerId: 'must be an integer' }))
    })

    it.each([
      ['store_stored_payment_instruments', SCOPES.storedInstruments],
      ['store_stored_payment_instruments_read_only', SCOPES.storedInstrumentsRead],
    ])('lets a %s token read them', async (_, scope) => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      await add(store, id, BANK)
      const res = await store.request('GET', `/customers/${id}/stored-instruments`, undefined, { token: await store.tokenWith([scope]) })
      expect(res.status).toBe(200)
      expect(res.body).toEqual([BANK])
    })

    it.each([
      ['store_v2_customers', SCOPES.customers],
      ['store_v2_customers_read_only', SCOPES.customersRead],
    ])('answers 403 to a token holding only %s', async (_, scope) => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      const res = await store.request('GET', `/customers/${id}/stored-instruments`, undefined, { token: await store.tokenWith([scope]) })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
    })

    it('forgets the instruments with their customer', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      await add(store, id, PAYPAL)
      expect((await store.request('DELETE', `/customers?id:in=${id}`)).status).toBe(204)
      const rows = await t.db
        .selectFrom('stored_instruments')
        .innerJoin('stores', 'stores.id', 'stored_instruments.store_id')
        .select('stored_instruments.token')
        .where('stores.hash', '=', store.hash)
        .execute()
      expect(rows).toEqual([])
    })
  })

  describe('the admin API', () => {
    it('adds an instrument with a random token, not default, and the optional card fields empty', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      const res = await add(store, id, { type: 'stored_card', brand: 'MASTERCARD', expiry_month: 12, expiry_year: 2031, last_4: '4444' })
      expect(res.status).toBe(200)
      const expected = {
        type: 'stored_card',
        token: expect.stringMatching(TOKEN),
        is_default: false,
        brand: 'MASTERCARD',
        expiry_month: 12,
        expiry_year: 2031,
        issuer_identification_number: '',
        last_4: '4444',
        billing_address: Object.fromEntries(Object.keys(BILLING).map((key) => [key, ''])),
      }
      expect(res.body).toEqual({ data: expected })
      expect((await store.request('GET', `/customers/${id}/stored-instruments`)).body).toEqual([res.body.data])
    })

    it('makes a new default the only default', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      await add(store, id, CARD)
      expect((await add(store, id, { ...PAYPAL, is_default: true })).status).toBe(200)
      const list = (await store.request('GET', `/customers/${id}/stored-instruments`)).body
      expect(list.map((i: { token: string; is_default: boolean }) => [i.token, i.is_default])).toEqual([
        [CARD.token, false],
        [PAYPAL.token, true],
      ])
    })

    it('keeps one default when two are added at once', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((token) => add(store, id, { ...PAYPAL, token, is_default: true })))
      expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200])
      const list = (await admin(t, 'GET', `/stores/${store.hash}/customers/${id}/stored-instruments`)).body.data
      expect(list.filter((i: { is_default: boolean }) => i.is_default)).toHaveLength(1)
    })

    it('answers 409 to a token the store already has', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      await add(store, id, PAYPAL)
      const res = await add(store, id, { ...BANK, token: PAYPAL.token })
      expect(res.status).toBe(409)
      expect(res.body).toEqual(errorBody(409, `an instrument with token "${PAYPAL.token}" already exists in store "${store.hash}"`))
    })

    it('answers 422 to an unknown type and adds nothing', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      const res = await add(store, id, { type: 'stored_cash' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(
        errorBody(422, 'JSON data is missing or invalid', { type: 'must be one of: stored_card, stored_paypal_account, stored_bank_account' }),
      )
      expect((await store.request('GET', `/customers/${id}/stored-instruments`)).body).toEqual([])
    })

    it.each([
      ['a card without its last 4 digits', { type: 'stored_card', brand: 'VISA', expiry_month: 1, expiry_year: 2030 }, 'last_4: is required'],
      ['a card with a 3-digit last_4 and no brand', { type: 'stored_card', expiry_month: 1, expiry_year: 2030, last_4: '111' }, 'brand: is required; last_4: has an invalid format'],
      ['an expiry month of 13', { ...CARD, token: 'card-13', expiry_month: 13 }, 'expiry_month: must be at most 12'],
      ['a PayPal account without its email', { type: 'stored_paypal_account' }, 'email: is required'],
    ])('answers 422 to %s, saying what is wrong, and adds nothing', async (_, instrument, message) => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      const res = await add(store, id, instrument)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, message))
      expect((await store.request('GET', `/customers/${id}/stored-instruments`)).body).toEqual([])
    })

    it('answers 404 for a customer the store does not have', async () => {
      const store = await t.newStore()
      const res = await add(store, 9, PAYPAL)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, `no customer 9 in store "${store.hash}"`))
    })

    it('removes an instrument, and answers 404 the second time', async () => {
      const store = await t.newStore()
      const id = await createCustomer(store)
      await add(store, id, PAYPAL)
      await add(store, id, BANK)
      const path = `/stores/${store.hash}/customers/${id}/stored-instruments/${PAYPAL.token}`
      const res = await admin(t, 'DELETE', path)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect((await store.request('GET', `/customers/${id}/stored-instruments`)).body).toEqual([BANK])
      const again = await admin(t, 'DELETE', path)
      expect(again.status).toBe(404)
      expect(again.body).toEqual(errorBody(404, `customer ${id} of store "${store.hash}" has no instrument with token "${PAYPAL.token}"`))
    })
  })
})

describe.each(BACKENDS)('%s: clientele instruments', (backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database

  /** Store shop-a with customer 1, created through the API on the database the commands use. */
  async function storeWithCustomer(): Promise<void> {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })
    const res = await throughApp(db, 'POST', '/stores/shop-a/v3/customers', [newCustomer()], { 'x-auth-token': token })
    expect(res.status).toBe(200)
  }

  it('adds, lists and removes instruments', async () => {
    await storeWithCustomer()
    const added = await clientele('instruments', 'add', '--store', 'shop-a', '--customer', '1', '--default', '--json', JSON.stringify({ type: 'stored_paypal_account', email: 'p@example.com' }))
    expect(added.code).toBe(0)
    const instrument = JSON.parse(added.stdout)
    expect(instrument).toEqual({ type: 'stored_paypal_account', token: expect.stringMatching(TOKEN), is_default: true, email: 'p@example.com' })

    expect(await clientele('instruments', 'add', '--store', 'shop-a', '--customer', '1', JSON.stringify(BANK))).toMatchObject({
      code: 0,
      stdout: 'added stored_bank_account bank-1\n',
    })
    expect(await clientele('instruments', 'list', '--store', 'shop-a', '--customer', '1')).toMatchObject({
      code: 0,
      stdout: `token\ttype\tdefault\n${instrument.token}\tstored_paypal_account\tdefault\nbank-1\tstored_bank_account\n`,
    })
    expect(await clientele('instruments', 'remove', 'bank-1', '--store', 'shop-a', '--customer', '1')).toMatchObject({ code: 0, stdout: 'removed bank-1\n' })
  })

  it('refuses an instrument that breaks its shape with exit code 2', async () => {
    await storeWithCustomer()
    expect(await clientele('instruments', 'add', '--store', 'shop-a', '--customer', '1', '{"type":"stored_bank_account","issuer":"DE001"}')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'clientele: masked_account_number: is required\n',
    })
  })
})
