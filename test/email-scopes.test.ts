import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp, type TestStore } from './helpers/app.js'
import { addChannels } from './helpers/channels.js'
import { postCustomers } from './helpers/customers.js'

// Who is the same customer (DECISIONS 7, BEHAVIOUR 3.5): customers may share an email only when
// their login scopes cannot meet. A global customer (channel_ids null) meets every customer of
// its email; channel-specific customers meet when their channel_ids overlap. Enforced on POST and
// PUT, and under concurrent writers (a lock on store + email, src/resources/customers/email-scope.ts).

const createFailed = (email: string) =>
  errorBody(422, 'Create customers failed.', { '.customer_create': `Error creating customers: email ${email} already in use` })
const updateFailed = (email: string) =>
  errorBody(422, 'Update customers failed.', { '.customer_update': `Error updating customers: email ${email} already in use` })

type Customer = { id: number; email: string; channel_ids: number[] | null }

describe.each(BACKENDS)('%s: email uniqueness by channel scope', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** A store with channels 1, 2 and 3. */
  async function storeWithChannels(): Promise<TestStore> {
    const store = await t.newStore()
    await addChannels(t.db, store, [2, 3])
    return store
  }

  async function customersOf(store: TestStore): Promise<Customer[]> {
    const res = await store.request('GET', '/customers?limit=250')
    expect(res.status).toBe(200)
    return res.body.data
  }

  describe('POST /customers', () => {
    it('creates two customers of one email on disjoint channels', async () => {
      const store = await storeWithChannels()
      await postCustomers(store, { email: 'shared@example.com', channel_ids: [1] })
      const res = await store.request('POST', '/customers', [newCustomer({ email: 'Shared@Example.com', channel_ids: [2, 3] })])
      expect(res.status).toBe(200)
      expect((await customersOf(store)).map((c) => [c.email, c.channel_ids])).toEqual([
        ['shared@example.com', [1]],
        ['Shared@Example.com', [2, 3]],
      ])
    })

    it.each([
      ['a global customer when a channel-specific one has the email', [2], null],
      ['a channel-specific customer when a global one has the email', null, [3]],
      ['channel_ids overlapping those of the holder of the email', [1, 2], [2, 3]],
      ['the same channel_ids as the holder of the email', [2], [2]],
    ])('refuses %s, and creates nothing', async (_, existing, sent) => {
      const store = await storeWithChannels()
      await postCustomers(store, { email: 'taken@example.com', channel_ids: existing })
      const before = await customersOf(store)
      const res = await store.request('POST', '/customers', [newCustomer({ email: 'TAKEN@example.com', channel_ids: sent })])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(createFailed('TAKEN@example.com'))
      expect(await customersOf(store)).toEqual(before)
    })

    it('refuses a batch holding one email twice with scopes that meet, naming the later one', async () => {
      const store = await storeWithChannels()
      const res = await store.request('POST', '/customers', [
        newCustomer({ email: 'twice@example.com', channel_ids: [1, 2] }),
        newCustomer({ email: 'other@example.com' }),
        newCustomer({ email: 'Twice@example.com', channel_ids: [2] }),
      ])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(createFailed('Twice@example.com'))
      expect(await customersOf(store)).toEqual([])
    })

    it('creates a batch holding one email on disjoint channels', async () => {
      const store = await storeWithChannels()
      const res = await store.request('POST', '/customers', [
        newCustomer({ email: 'split@example.com', channel_ids: [1] }),
        newCustomer({ email: 'split@example.com', channel_ids: [2] }),
        newCustomer({ email: 'split@example.com', channel_ids: [3] }),
      ])
      expect(res.status).toBe(200)
      expect(res.body.data.map((c: Customer) => c.channel_ids)).toEqual([[1], [2], [3]])
    })

    it('counts the channel a customer created on a channel without global logins is given', async () => {
      const store = await storeWithChannels()
      await postCustomers(store, { email: 'origin@example.com', origin_channel_id: 2 })
      expect((await store.request('POST', '/customers', [newCustomer({ email: 'origin@example.com', channel_ids: [1] })])).status).toBe(200)
      const res = await store.request('POST', '/customers', [newCustomer({ email: 'origin@example.com', channel_ids: [2] })])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(createFailed('origin@example.com'))
    })
  })

  describe('PUT /customers', () => {
    it('refuses channel_ids that make a customer meet another of its email, and changes nothing', async () => {
      const store = await storeWithChannels()
      const [, second] = await postCustomers(store, { email: 'pair@example.com', channel_ids: [1] }, { email: 'pair@example.com', channel_ids: [2] })
      const before = await customersOf(store)
      const res = await store.request('PUT', '/customers', [{ id: second!.id, channel_ids: [2, 1] }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(updateFailed('pair@example.com'))
      expect(await customersOf(store)).toEqual(before)
    })

    it('refuses to make a customer global while another customer has its email', async () => {
      const store = await storeWithChannels()
      const [first] = await postCustomers(store, { email: 'pair@example.com', channel_ids: [1] }, { email: 'pair@example.com', channel_ids: [2] })
      const before = await customersOf(store)
      const res = await store.request('PUT', '/customers', [{ id: first!.id, channel_ids: null }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(updateFailed('pair@example.com'))
      expect(await customersOf(store)).toEqual(before)
    })

    it('refuses an email held by a customer whose scope meets, and changes nothing', async () => {
      const store = await storeWithChannels()
      const [, mover] = await postCustomers(store, { email: 'held@example.com', channel_ids: [1, 3] }, { channel_ids: [3] })
      const before = await customersOf(store)
      const res = await store.request('PUT', '/customers', [{ id: mover!.id, email: 'Held@Example.com' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(updateFailed('Held@Example.com'))
      expect(await customersOf(store)).toEqual(before)
    })

    it('takes an email held by a customer on disjoint channels', async () => {
      const store = await storeWithChannels()
      const [, mover] = await postCustomers(store, { email: 'held@example.com', channel_ids: [1] }, { channel_ids: [2] })
      const res = await store.request('PUT', '/customers', [{ id: mover!.id, email: 'held@example.com' }])
      expect(res.status).toBe(200)
      expect(res.body.data[0]).toMatchObject({ email: 'held@example.com', channel_ids: [2] })
    })

    it('checks a batch as a whole: customers of one email may move apart in one batch', async () => {
      const store = await storeWithChannels()
      const [a, b] = await postCustomers(store, { email: 'move@example.com', channel_ids: [1] }, { email: 'move@example.com', channel_ids: [2] })
      const res = await store.request('PUT', '/customers', [
        { id: a!.id, channel_ids: [2] },
        { id: b!.id, channel_ids: [3] },
      ])
      expect(res.status).toBe(200)
      expect(res.body.data.map((c: Customer) => c.channel_ids)).toEqual([[2], [3]])
    })

    it('swaps two global customers\' emails in one batch', async () => {
      const store = await storeWithChannels()
      const [a, b] = await postCustomers(store, { email: 'first@example.com' }, { email: 'second@example.com' })
      const res = await store.request('PUT', '/customers', [
        { id: a!.id, email: 'second@example.com' },
        { id: b!.id, email: 'first@example.com' },
      ])
      expect(res.status).toBe(200)
      expect((await customersOf(store)).map((c) => c.email)).toEqual(['second@example.com', 'first@example.com'])
    })

    it('refuses a batch that leaves two customers of one email meeting, naming the later one', async () => {
      const store = await storeWithChannels()
      const [a, b] = await postCustomers(store, { channel_ids: [1] }, { channel_ids: [2] })
      const before = await customersOf(store)
      const res = await store.request('PUT', '/customers', [
        { id: a!.id, email: 'meet@example.com' },
        { id: b!.id, email: 'Meet@example.com', channel_ids: [1, 2] },
      ])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(updateFailed('Meet@example.com'))
      expect(await customersOf(store)).toEqual(before)
    })

    it('leaves customers alone whose email and channels the batch does not touch', async () => {
      const store = await storeWithChannels()
      const [a] = await postCustomers(store, { email: 'calm@example.com', channel_ids: [1] }, { email: 'calm@example.com', channel_ids: [2] })
      const res = await store.request('PUT', '/customers', [{ id: a!.id, first_name: 'Renamed' }])
      expect(res.status).toBe(200)
    })
  })

  describe('concurrent writers', () => {
    // Acceptance: 50 concurrent creates of one global email make exactly one customer. Through
    // one app, so on PostgreSQL they spread over the pool's connections.
    it('creates exactly one of 50 concurrent customers of one global email', async () => {
      const store = await t.newStore()
      const email = 'race@example.com'
      const results = await Promise.all(Array.from({ length: 50 }, () => store.request('POST', '/customers', [newCustomer({ email })])))
      expect(results.filter((res) => res.status === 200)).toHaveLength(1)
      const refused = results.filter((res) => res.status !== 200)
      expect(refused).toHaveLength(49)
      for (const res of refused) expect(res.body).toEqual(createFailed(email))
      const list = await store.request('GET', `/customers?email:in=${email}`)
      expect(list.body.data).toHaveLength(1)
      expect((await store.request('GET', '/customers')).body.meta.pagination.total).toBe(1)
    })

    // PUT /customers takes 3 requests of a store at a time (BEHAVIOUR 10), so rounds of 3.
    it.each(['first', 'second', 'third', 'fourth', 'fifth'])('lets exactly one of 3 concurrent updates take one email (%s round)', async () => {
      const store = await t.newStore()
      const ids = (await postCustomers(store, {}, {}, {})).map((c) => c.id)
      const results = await Promise.all(ids.map((id) => store.request('PUT', '/customers', [{ id, email: 'wanted@example.com' }])))
      expect(results.filter((res) => res.status === 200)).toHaveLength(1)
      for (const res of results.filter((r) => r.status !== 200)) expect(res.body).toEqual(updateFailed('wanted@example.com'))
      expect((await store.request('GET', '/customers?email:in=wanted@example.com')).body.data).toHaveLength(1)
    })

    it('creates customers of one email on disjoint channels concurrently, and only them', async () => {
      const store = await storeWithChannels()
      const email = 'channels@example.com'
      const bodies = [[1], [2], [3], [1], [2], [3], null].map((channel_ids) => [newCustomer({ email, channel_ids })])
      const results = await Promise.all(bodies.map((body) => store.request('POST', '/customers', body)))
      const created = (await store.request('GET', `/customers?email:in=${email}`)).body.data as Customer[]
      expect(results.filter((res) => res.status === 200)).toHaveLength(created.length)
      // Either the global one won alone, or one customer per channel did.
      const scopes = created.map((c) => JSON.stringify(c.channel_ids)).sort()
      expect([['null'], ['[1]', '[2]', '[3]']]).toContainEqual(scopes)
    })
  })
})

// Two app instances, each with its own pool, on one PostgreSQL database: what several server
// processes are. (On SQLite the file is the single writer; there is no second instance to test.)
describe.skipIf(!BACKENDS.includes('postgres'))('postgres: email uniqueness across app instances', () => {
  let one: TestApp
  let two: TestApp

  beforeAll(async () => {
    one = await buildTestApp('postgres')
    two = await buildTestApp('postgres')
  })
  afterAll(async () => {
    await one.close()
    await two.close()
  })

  it('creates exactly one of 50 concurrent customers of one global email sent to two instances', async () => {
    const store = await one.newStore()
    const email = 'two-nodes@example.com'
    const post = (t: TestApp) =>
      send(t.app, 'POST', `/stores/${store.hash}/v3/customers`, [newCustomer({ email })], { 'x-auth-token': store.token, accept: 'application/json' })
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(i % 2 === 0 ? one : two)))
    expect(results.filter((res) => res.status === 200)).toHaveLength(1)
    for (const res of results.filter((r) => r.status !== 200)) expect(res.body).toEqual(createFailed(email))
    expect((await store.request('GET', `/customers?email:in=${email}`)).body.data).toHaveLength(1)
  })
})
