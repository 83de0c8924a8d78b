import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NESTED_PROBLEMS } from '../src/resources/customers/nested.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { addChannels } from './helpers/channels.js'

// PUT /customers: partial updates (BEHAVIOUR.md 3.3), the observed 422s for unknown ids and taken
// emails, read-only fields accepted only unchanged, and all-or-nothing batches.

const CREATED_AT = '2024-05-01T10:00:00Z'
const MODIFIED_AT = '2024-05-01T11:30:00Z'

const INVALID = 'JSON data is missing or invalid'
const UPDATE_FAILED = 'Update customers failed.'
const WEAK_PASSWORD = 'must be at least 7 characters long and contain both letters and digits'

const invalidId = (index: number) => errorBody(422, UPDATE_FAILED, { [`${index}.id`]: 'invalid customer ID' })
const emailInUse = (email: string) =>
  errorBody(422, UPDATE_FAILED, { '.customer_update': `Error updating customers: email ${email} already in use` })
const readOnly = (field: string) => errorBody(422, UPDATE_FAILED, { [`0.${field}`]: `${field} is read-only and cannot be changed` })

/** Every field a create may set, none at its default, so an unwanted change would show. */
const FULL = {
  company: 'Analytical Engines Ltd',
  phone: '+44 20 7946 0958',
  notes: 'Prefers email.',
  tax_exempt_category: 'Non-profit',
  customer_group_id: 7,
  accepts_product_review_abandoned_cart_emails: true,
  store_credit_amounts: [{ amount: 43.15 }],
  origin_channel_id: 2,
  channel_ids: [2, 3],
  authentication: { force_password_reset: true },
}

type Customer = Record<string, unknown> & { id: number }

describe.each(BACKENDS)('%s: PUT /customers', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** Creates customers (in a store with channels 1-4) at CREATED_AT, then moves the clock to MODIFIED_AT; returns them as created. */
  async function seed(store: TestStore, inputs: Record<string, unknown>[]): Promise<Customer[]> {
    await addChannels(t.db, store, [2, 3, 4])
    t.clock.set(CREATED_AT)
    const res = await store.request('POST', '/customers', inputs)
    expect(res.status).toBe(200)
    t.clock.set(MODIFIED_AT)
    return res.body.data
  }

  async function put(store: TestStore, body: unknown) {
    return store.request('PUT', '/customers', body)
  }

  /** The store's customers, as GET returns them with store credit. */
  async function customersOf(store: TestStore): Promise<Customer[]> {
    const res = await store.request('GET', '/customers?include=storecredit&limit=250')
    expect(res.status).toBe(200)
    return res.body.data
  }

  async function passwordHashOf(store: TestStore, id: number): Promise<string | null> {
    const row = await t.db
      .selectFrom('customers')
      .innerJoin('stores', 'stores.id', 'customers.store_id')
      .select('customers.password_hash')
      .where('stores.hash', '=', store.hash)
      .where('customers.id', '=', id)
      .executeTakeFirstOrThrow()
    return row.password_hash
  }

  describe('success', () => {
    it('changes only the fields sent and leaves the rest as they were', async () => {
      const store = await t.newStore()
      const [before] = await seed(store, [newCustomer(FULL)])
      const expected = { ...before!, first_name: 'Sal', date_modified: MODIFIED_AT }
      const res = await put(store, [{ id: 1, first_name: 'Sal' }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [expected], meta: {} })
      expect(await customersOf(store)).toEqual([expected])
    })

    it('moves date_modified to the time of the update and keeps date_created', async () => {
      const store = await t.newStore()
      await seed(store, [newCustomer()])
      t.clock.advance(42)
      const res = await put(store, [{ id: 1, notes: 'called back' }])
      expect(res.status).toBe(200)
      expect(res.body.data[0].date_created).toBe(CREATED_AT)
      expect(res.body.data[0].date_modified).toBe('2024-05-01T11:30:42Z')
      const [stored] = await customersOf(store)
      expect(stored).toMatchObject({ date_created: CREATED_AT, date_modified: '2024-05-01T11:30:42Z' })
    })

    it('updates every editable field at once', async () => {
      const store = await t.newStore()
      const [before] = await seed(store, [newCustomer()])
      const changes = {
        email: 'renamed@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        company: 'Analytical Engines Ltd',
        phone: '555-0100',
        notes: 'VIP',
        tax_exempt_category: 'Wholesale',
        customer_group_id: 3,
        accepts_product_review_abandoned_cart_emails: true,
        store_credit_amounts: [{ amount: 12.5 }],
        channel_ids: [1, 4],
      }
      const expected = {
        ...before!,
        ...changes,
        authentication: { force_password_reset: true },
        date_modified: MODIFIED_AT,
      }
      const res = await put(store, [{ id: 1, ...changes, authentication: { force_password_reset: true } }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [expected], meta: {} })
      expect(await customersOf(store)).toEqual([expected])
    })

    it('updates a batch and answers in input order', async () => {
      const store = await t.newStore()
      const [one, two, three] = await seed(store, [newCustomer(), newCustomer(), newCustomer()])
      const res = await put(store, [
        { id: 3, company: 'Third' },
        { id: 1, company: 'First' },
      ])
      expect(res.status).toBe(200)
      const updatedThree = { ...three!, company: 'Third', date_modified: MODIFIED_AT }
      const updatedOne = { ...one!, company: 'First', date_modified: MODIFIED_AT }
      expect(res.body).toEqual({ data: [updatedThree, updatedOne], meta: {} })
      expect(await customersOf(store)).toEqual([updatedOne, two, updatedThree])
    })

    it('changes the case of its own email', async () => {
      const store = await t.newStore()
      const [before] = await seed(store, [newCustomer({ email: 'sally@smithers.org' })])
      const expected = { ...before!, email: 'Sally@Smithers.org', date_modified: MODIFIED_AT }
      const res = await put(store, [{ id: 1, email: 'Sally@Smithers.org' }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [expected], meta: {} })
      expect(await customersOf(store)).toEqual([expected])
    })

    it('makes a customer global with channel_ids null', async () => {
      const store = await t.newStore()
      const [before] = await seed(store, [newCustomer({ channel_ids: [1, 2] })])
      const expected = { ...before!, channel_ids: null, date_modified: MODIFIED_AT }
      const res = await put(store, [{ id: 1, channel_ids: null }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [expected], meta: {} })
      expect(await customersOf(store)).toEqual([expected])
    })

    it('accepts registration_ip_address and origin_channel_id sent unchanged', async () => {
      const store = await t.newStore()
      const [before] = await seed(store, [newCustomer(FULL)])
      const expected = { ...before!, phone: '555-0199', date_modified: MODIFIED_AT }
      const res = await put(store, [{ id: 1, phone: '555-0199', registration_ip_address: '', origin_channel_id: 2 }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [expected], meta: {} })
      expect(await customersOf(store)).toEqual([expected])
    })

    it('accepts a customer as GET returned it (a GET-edit-PUT round trip)', async () => {
      const store = await t.newStore()
      await seed(store, [newCustomer(FULL)])
      const [fetched] = await customersOf(store)
      const expected = { ...fetched!, last_name: 'Edited', date_modified: MODIFIED_AT }
      const res = await put(store, [{ ...fetched, last_name: 'Edited' }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [expected], meta: {} })
      expect(await customersOf(store)).toEqual([expected])
    })

    it('ignores date_created, date_modified and address_count, which a PUT cannot set', async () => {
      const store = await t.newStore()
      const [before] = await seed(store, [newCustomer()])
      const expected = { ...before!, notes: 'n', date_modified: MODIFIED_AT }
      const res = await put(store, [
        { id: 1, notes: 'n', date_created: '2000-01-01T00:00:00Z', date_modified: '2000-01-01T00:00:00Z', address_count: 5, attribute_count: 2 },
      ])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [expected], meta: {} })
      expect(await customersOf(store)).toEqual([expected])
    })

    it('replaces the password hash with a new one and never returns the password', async () => {
      const store = await t.newStore()
      const [before] = await seed(store, [newCustomer({ authentication: { new_password: 'OldSecret1' } })])
      const oldHash = await passwordHashOf(store, 1)
      const res = await put(store, [{ id: 1, authentication: { new_password: 'NewSecret2' } }])
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [{ ...before!, date_modified: MODIFIED_AT }], meta: {} })
      expect(res.text).not.toContain('NewSecret2')
      const newHash = await passwordHashOf(store, 1)
      expect(newHash).toMatch(/^scrypt\$/)
      expect(newHash).not.toBe(oldHash)
      expect(newHash).not.toContain('NewSecret2')
    })

    it('keeps the password hash when the update does not send a password', async () => {
      const store = await t.newStore()
      await seed(store, [newCustomer({ authentication: { new_password: 'OldSecret1' } })])
      const oldHash = await passwordHashOf(store, 1)
      const res = await put(store, [{ id: 1, authentication: { force_password_reset: true } }])
      expect(res.status).toBe(200)
      expect(res.body.data[0].authentication).toEqual({ force_password_reset: true })
      expect(await passwordHashOf(store, 1)).toBe(oldHash)
    })
  })

  describe('unknown ids', () => {
    it('answers 422 invalid customer ID for an id the store does not have, and changes nothing', async () => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer()])
      const res = await put(store, [{ id: 2, first_name: 'Ghost' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalidId(0))
      expect(await customersOf(store)).toEqual(before)
    })

    it("answers 422 invalid customer ID for another store's customer, and changes neither store", async () => {
      const [mine, theirs] = [await t.newStore(), await t.newStore()]
      const their = await seed(theirs, [newCustomer()])
      const res = await put(mine, [{ id: 1, first_name: 'Thief' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalidId(0))
      expect(await customersOf(theirs)).toEqual(their)
      expect(await customersOf(mine)).toEqual([])
    })

    it('answers 422 invalid customer ID for an id beyond any stored id', async () => {
      const store = await t.newStore()
      const res = await put(store, [{ id: 2 ** 31, first_name: 'Ghost' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalidId(0))
    })

    it('changes none of a batch of 3 when the second id is unknown', async () => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer(), newCustomer()])
      const res = await put(store, [
        { id: 1, company: 'Changed' },
        { id: 99, company: 'Changed' },
        { id: 2, company: 'Changed' },
      ])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalidId(1))
      expect(await customersOf(store)).toEqual(before)
    })
  })

  describe('body shape', () => {
    it('answers 422 when an item has no id', async () => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer()])
      const res = await put(store, [{ id: 1, company: 'Fine' }, { first_name: 'Nobody' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, INVALID, { '1.id': 'is required' }))
      expect(await customersOf(store)).toEqual(before)
    })

    it('answers 422 to [42]', async () => {
      const store = await t.newStore()
      const res = await put(store, [42])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, INVALID, { 0: 'must be an object' }))
    })

    it('answers 422 to a single object instead of an array', async () => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer()])
      const res = await put(store, { id: 1, company: 'Changed' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, INVALID, { body: 'must be an array' }))
      expect(await customersOf(store)).toEqual(before)
    })

    it('answers 422 to an empty array', async () => {
      const store = await t.newStore()
      const res = await put(store, [])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, INVALID, { body: 'must contain at least 1 item' }))
    })

    it('answers 413 to 11 items and changes nothing', async () => {
      const store = await t.newStore()
      const before = await seed(store, Array.from({ length: 10 }, () => newCustomer()))
      const res = await put(store, Array.from({ length: 11 }, (_, i) => ({ id: (i % 10) + 1, company: 'Changed' })))
      expect(res.status).toBe(413)
      expect(res.body).toEqual(errorBody(413, 'The maximum number of items allowed in the array is 10'))
      expect(await customersOf(store)).toEqual(before)
    })

    it.each([
      ['id', '1', '0.id', 'must be an integer'],
      ['id', 0, '0.id', 'must be at least 1'],
      ['customer_group_id', '5', '0.customer_group_id', 'must be an integer'],
      ['first_name', '', '0.first_name', 'must not be empty'],
      ['email', 'not-an-email', '0.email', 'must be a valid email address'],
      ['channel_ids', [], '0.channel_ids', 'must contain at least 1 item'],
      ['phone', '9'.repeat(51), '0.phone', 'must be at most 50 characters long'],
    ])('refuses %s = %j and changes nothing', async (field, value, key, message) => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer()])
      const res = await put(store, [{ id: 1, company: 'Changed', [field]: value }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, INVALID, { [key]: message }))
      expect(await customersOf(store)).toEqual(before)
    })

    it.each(['addresses', 'attributes'] as const)('refuses nested %s with items and changes nothing', async (field) => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer()])
      const res = await put(store, [{ id: 1, company: 'Changed', [field]: [{ any: 'thing' }] }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, UPDATE_FAILED, { [`0.${field}`]: NESTED_PROBLEMS.notOnUpdate(field) }))
      expect(await customersOf(store)).toEqual(before)
    })
  })

  describe('read-only fields', () => {
    it.each([
      ['registration_ip_address', '203.0.113.7'],
      ['origin_channel_id', 5],
    ])('refuses a changed %s and changes nothing', async (field, value) => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer()])
      const res = await put(store, [{ id: 1, first_name: 'Changed', [field]: value }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(readOnly(field))
      expect(await customersOf(store)).toEqual(before)
    })
  })

  describe('emails', () => {
    it.each([
      ['as stored', 'taken@example.com'],
      ['in another case', 'TAKEN@Example.com'],
    ])("refuses another customer's email %s and changes nothing", async (_, email) => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer({ email: 'taken@example.com' }), newCustomer()])
      const res = await put(store, [{ id: 2, email, first_name: 'Changed' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(emailInUse(email))
      expect(await customersOf(store)).toEqual(before)
    })

    it('refuses a batch giving two customers one email, and changes nothing', async () => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer(), newCustomer()])
      const res = await put(store, [
        { id: 1, email: 'same@example.com' },
        { id: 2, email: 'Same@example.com' },
      ])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(emailInUse('Same@example.com'))
      expect(await customersOf(store)).toEqual(before)
    })

    it("takes an email that another store's customer has", async () => {
      const [mine, theirs] = [await t.newStore(), await t.newStore()]
      await seed(theirs, [newCustomer({ email: 'shared@example.com' })])
      await seed(mine, [newCustomer()])
      const res = await put(mine, [{ id: 1, email: 'shared@example.com' }])
      expect(res.status).toBe(200)
      expect(res.body.data[0].email).toBe('shared@example.com')
    })
  })

  describe('passwords', () => {
    it.each([
      ['shorter than 7 characters', 'abc123'],
      ['without a digit', 'abcdefgh'],
      ['without a letter', '12345678'],
    ])('refuses a new_password %s and keeps the old hash', async (_, password) => {
      const store = await t.newStore()
      const before = await seed(store, [newCustomer({ authentication: { new_password: 'OldSecret1' } })])
      const oldHash = await passwordHashOf(store, 1)
      const res = await put(store, [{ id: 1, first_name: 'Changed', authentication: { new_password: password } }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, UPDATE_FAILED, { '0.authentication.new_password': WEAK_PASSWORD }))
      expect(await passwordHashOf(store, 1)).toBe(oldHash)
      expect(await customersOf(store)).toEqual(before)
    })
  })
})
