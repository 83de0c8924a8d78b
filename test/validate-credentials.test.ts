import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, send, type Response, type TestApp, type TestStore } from './helpers/app.js'
import { redisCounters, testPrefix, testRedisUrl } from './helpers/redis.js'
import { addChannels } from './helpers/channels.js'
import { postCustomers, type Customer } from './helpers/customers.js'

// POST /customers/validate-credentials (BEHAVIOUR 3.7, 3.10): who may log in on which channel,
// the same answer for every failure (no account enumeration, in body, status and time), and the
// route's own limit on failed attempts per email and per client address.

const PASSWORD = 'Secret123'
const INVALID = { is_valid: false, customer_id: null }
const INVALID_DATA = 'JSON data is missing or invalid'
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")
const TOO_MANY = errorBody(429, 'Too many requests')

/** A customer who logs in with PASSWORD, unless `fields` say otherwise; as the POST answered. */
async function customerWithPassword(store: TestStore, fields: Record<string, unknown> = {}): Promise<Customer> {
  const [customer] = await postCustomers(store, { authentication: { new_password: PASSWORD }, ...fields })
  return customer!
}

function validate(store: TestStore, body: unknown, token?: string): Promise<Response> {
  return store.request('POST', '/customers/validate-credentials', body, token === undefined ? {} : { token })
}

describe.each(BACKENDS)('%s: POST /customers/validate-credentials', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  describe('answers', () => {
    it('answers is_valid true with the customer id for the right password, as a bare object', async () => {
      const store = await t.newStore()
      await customerWithPassword(store)
      const customer = await customerWithPassword(store)
      const res = await validate(store, { email: customer.email, password: PASSWORD })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ is_valid: true, customer_id: customer.id })
      expect(Object.keys(res.body)).toEqual(['is_valid', 'customer_id'])
    })

    it('compares the email case-insensitively', async () => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store, { email: 'Mixed.Case@Example.com' })
      const res = await validate(store, { email: 'mixed.case@EXAMPLE.com', password: PASSWORD })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ is_valid: true, customer_id: customer.id })
    })

    it('answers is_valid false and customer_id null for a wrong password', async () => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store)
      const res = await validate(store, { email: customer.email, password: 'Secret124' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(INVALID)
    })

    it.each([
      ['an unknown email', async (store: TestStore) => ({ email: 'nobody@example.com', password: PASSWORD })],
      ['a customer without a password', async (store: TestStore) => {
        const res = await store.request('POST', '/customers', [newCustomer()])
        return { email: res.body.data[0].email, password: PASSWORD }
      }],
      ['an empty password', async (store: TestStore) => ({ email: (await customerWithPassword(store)).email, password: '' })],
    ])('answers the same for %s', async (_, attempt) => {
      const store = await t.newStore()
      const res = await validate(store, await attempt(store))
      expect(res.status).toBe(200)
      expect(res.body).toEqual(INVALID)
    })

    it("answers the same for another store's customer", async () => {
      const [mine, theirs] = [await t.newStore(), await t.newStore()]
      const customer = await customerWithPassword(theirs)
      const res = await validate(mine, { email: customer.email, password: PASSWORD })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(INVALID)
    })

    it('checks the password a PUT set, and no longer the old one', async () => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store)
      expect((await store.request('PUT', '/customers', [{ id: customer.id, authentication: { new_password: 'Changed99' } }])).status).toBe(200)
      expect((await validate(store, { email: customer.email, password: PASSWORD })).body).toEqual(INVALID)
      expect((await validate(store, { email: customer.email, password: 'Changed99' })).body).toEqual({ is_valid: true, customer_id: customer.id })
    })

    it('still validates a customer who must reset the password (the storefront decides what to do)', async () => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store, { authentication: { new_password: PASSWORD, force_password_reset: true } })
      const res = await validate(store, { email: customer.email, password: PASSWORD })
      expect(res.body).toEqual({ is_valid: true, customer_id: customer.id })
    })
  })

  describe('channels', () => {
    it('takes channel 1 when channel_id is omitted', async () => {
      const store = await t.newStore()
      await addChannels(t.db, store, [2])
      const customer = await customerWithPassword(store, { channel_ids: [2] })
      expect((await validate(store, { email: customer.email, password: PASSWORD })).body).toEqual(INVALID)
      expect((await validate(store, { email: customer.email, password: PASSWORD, channel_id: 2 })).body).toEqual({
        is_valid: true,
        customer_id: customer.id,
      })
    })

    it('logs in the customer of the channel when an email has one customer per channel', async () => {
      const store = await t.newStore()
      await addChannels(t.db, store, [2])
      const first = await customerWithPassword(store, { email: 'split@example.com', channel_ids: [1] })
      const second = await customerWithPassword(store, { email: 'split@example.com', channel_ids: [2], authentication: { new_password: 'Other456' } })
      expect((await validate(store, { email: 'split@example.com', password: PASSWORD, channel_id: 1 })).body).toEqual({ is_valid: true, customer_id: first.id })
      expect((await validate(store, { email: 'split@example.com', password: 'Other456', channel_id: 2 })).body).toEqual({ is_valid: true, customer_id: second.id })
      expect((await validate(store, { email: 'split@example.com', password: 'Other456', channel_id: 1 })).body).toEqual(INVALID)
    })

    it('follows a change of allow_global_logins at once', async () => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store)
      expect((await store.request('PUT', '/customers/settings/channels/1', { allow_global_logins: false })).status).toBe(200)
      expect((await validate(store, { email: customer.email, password: PASSWORD })).body).toEqual(INVALID)
    })

    it('answers 422 for a channel the store does not have', async () => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store)
      const res = await validate(store, { email: customer.email, password: PASSWORD, channel_id: 9 })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, INVALID_DATA, { channel_id: 'channel 9 does not exist' }))
    })
  })

  describe('request body', () => {
    it.each([
      ['no email', { password: PASSWORD }, { email: 'is required' }],
      ['no password', { email: 'a@example.com' }, { password: 'is required' }],
      ['neither', {}, { email: 'is required', password: 'is required' }],
      ['channel_id 0', { email: 'a@example.com', password: PASSWORD, channel_id: 0 }, { channel_id: 'must be at least 1' }],
      ['a password that is not a string', { email: 'a@example.com', password: 1234567 }, { password: 'must be a string' }],
    ])('answers 422 to a body with %s', async (_, body, errors) => {
      const store = await t.newStore()
      const res = await validate(store, body)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, INVALID_DATA, errors))
    })
  })

  describe('scopes', () => {
    // It changes nothing, so the read-only customers scope suffices (docs/COMPATIBILITY.md).
    it.each([
      ['store_v2_customers', SCOPES.customers],
      ['store_v2_customers_read_only', SCOPES.customersRead],
    ])('lets a %s token validate', async (_, scope) => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store)
      const res = await validate(store, { email: customer.email, password: PASSWORD }, await store.tokenWith([scope]))
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ is_valid: true, customer_id: customer.id })
    })

    it.each([
      ['store_cart', SCOPES.carts],
      ['store_stored_payment_instruments', SCOPES.storedInstruments],
    ])('answers 403 to a token holding only %s', async (_, scope) => {
      const store = await t.newStore()
      const customer = await customerWithPassword(store)
      const res = await validate(store, { email: customer.email, password: PASSWORD }, await store.tokenWith([scope]))
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
    })
  })
})

// Acceptance: customers {global, [1], [2], [1,2]} x channels {1: global logins on (its default),
// 2: off (a new channel's default), 3: turned on}.
const MATRIX: [string, number[] | null, number, boolean][] = [
  ['global', null, 1, true],
  ['global', null, 2, false],
  ['global', null, 3, true],
  ['[1]', [1], 1, true],
  ['[1]', [1], 2, false],
  ['[1]', [1], 3, false],
  ['[2]', [2], 1, false],
  ['[2]', [2], 2, true],
  ['[2]', [2], 3, false],
  ['[1,2]', [1, 2], 1, true],
  ['[1,2]', [1, 2], 2, true],
  ['[1,2]', [1, 2], 3, false],
]

describe.each(BACKENDS)('%s: the login matrix of validate-credentials', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it.each(MATRIX)('a %s customer on channel %i: is_valid %s', async (_, channelIds, channel, valid) => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2, 3])
    expect((await store.request('PUT', '/customers/settings/channels/3', { allow_global_logins: true })).status).toBe(200)
    const customer = await customerWithPassword(store, { channel_ids: channelIds })
    const res = await validate(store, { email: customer.email, password: PASSWORD, channel_id: channel })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(valid ? { is_valid: true, customer_id: customer.id } : INVALID)
  })
})

describe.each(BACKENDS)('%s: validate-credentials gives nothing away by timing', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    // No limits: the test makes more failed attempts than they allow.
    t = await buildTestApp(backend, { app: { loginLimits: { perEmail: 0, perClient: 0, windowMs: 60_000 } } })
  })
  afterAll(() => t.close())

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

  // Acceptance: a wrong password and an unknown email (and a customer without access to the
  // channel) differ neither in body and status nor, roughly, in time. Each runs one scrypt
  // (~tens of ms); without the throwaway hash an unknown email would answer in a few ms.
  it('answers a wrong password, an unknown email and a customer without access alike, in about the same time', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const customer = await customerWithPassword(store)
    const elsewhere = await customerWithPassword(store, { channel_ids: [2] })
    const kinds = {
      wrongPassword: { email: customer.email, password: 'Wrong0000' },
      unknownEmail: { email: 'nobody@example.com', password: 'Wrong0000' },
      noAccess: { email: elsewhere.email, password: PASSWORD, channel_id: 1 },
    }
    const times: Record<keyof typeof kinds, number[]> = { wrongPassword: [], unknownEmail: [], noAccess: [] }
    await validate(store, kinds.unknownEmail) // warm-up
    for (let round = 0; round < 9; round++) {
      for (const [kind, body] of Object.entries(kinds) as [keyof typeof kinds, unknown][]) {
        const started = process.hrtime.bigint()
        const res = await validate(store, body)
        times[kind].push(Number(process.hrtime.bigint() - started) / 1e6)
        expect(res.status).toBe(200)
        expect(res.text).toBe(JSON.stringify(INVALID))
      }
    }
    const medians = Object.values(times).map(median)
    const [fastest, slowest] = [Math.min(...medians), Math.max(...medians)]
    expect(slowest).toBeLessThan(fastest * 2 + 20)
  })
})

describe.each(BACKENDS)('%s: the failed-attempt limit of validate-credentials', (backend) => {
  let t: TestApp
  const WINDOW_SECONDS = 60

  beforeAll(async () => {
    t = await buildTestApp(backend, { app: { loginLimits: { perEmail: 3, perClient: 5, windowMs: WINDOW_SECONDS * 1000 } } })
    t.clock.set('2026-03-01T12:00:00Z')
  })
  afterAll(() => t.close())

  /** An attempt from a client address of the test's choosing. */
  async function attempt(store: TestStore, body: unknown, client = '198.51.100.1'): Promise<Response> {
    const res = await t.app.inject({
      method: 'POST',
      url: `/stores/${store.hash}/v3/customers/validate-credentials`,
      headers: { 'x-auth-token': store.token, 'content-type': 'application/json', accept: 'application/json' },
      payload: JSON.stringify(body),
      remoteAddress: client,
    })
    return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers, text: res.body }
  }

  const wrong = (email: string) => ({ email, password: 'Wrong0000' })

  function expectLimited(res: Response, seconds = WINDOW_SECONDS): void {
    expect(res.status).toBe(429)
    expect(res.body).toEqual(TOO_MANY)
    expect(res.headers['x-retry-after']).toBe(String(seconds))
  }

  it('answers 429 with X-Retry-After after 3 failures for one email, even to the right password', async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    for (let i = 0; i < 3; i++) expect((await attempt(store, wrong(customer.email))).body).toEqual(INVALID)
    expectLimited(await attempt(store, wrong(customer.email)))
    expectLimited(await attempt(store, { email: customer.email, password: PASSWORD }))
  })

  it('counts an email however it is spelled in case, and says how long is left of the window', async () => {
    const store = await t.newStore()
    await attempt(store, wrong('Case@Example.com'))
    await attempt(store, wrong('case@example.com'))
    t.clock.advance(15)
    await attempt(store, wrong('CASE@EXAMPLE.COM'))
    expectLimited(await attempt(store, wrong('case@Example.com')), WINDOW_SECONDS - 15)
  })

  it('answers an unknown email past the limit as it answers a customer past it', async () => {
    const store = await t.newStore()
    for (let i = 0; i < 3; i++) await attempt(store, wrong('nobody@example.com'))
    expectLimited(await attempt(store, wrong('nobody@example.com')))
  })

  it('lets the email try again once the window has ended', async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    for (let i = 0; i < 3; i++) await attempt(store, wrong(customer.email))
    expectLimited(await attempt(store, { email: customer.email, password: PASSWORD }))
    t.clock.advance(WINDOW_SECONDS)
    expect((await attempt(store, { email: customer.email, password: PASSWORD })).body).toEqual({ is_valid: true, customer_id: customer.id })
  })

  it("keeps one email's failures from limiting another email", async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    for (let i = 0; i < 3; i++) await attempt(store, wrong('victim@example.com'), '198.51.100.7')
    const res = await attempt(store, { email: customer.email, password: PASSWORD }, '198.51.100.8')
    expect(res.body).toEqual({ is_valid: true, customer_id: customer.id })
  })

  it('answers 429 to a client address past 5 failures, whatever the email, and not to another address', async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    for (let i = 0; i < 5; i++) expect((await attempt(store, wrong(`guess${i}@example.com`))).status).toBe(200)
    expectLimited(await attempt(store, { email: customer.email, password: PASSWORD }))
    expect((await attempt(store, { email: customer.email, password: PASSWORD }, '198.51.100.99')).body).toEqual({
      is_valid: true,
      customer_id: customer.id,
    })
  })

  it("does not let a success clear an address's failures for other emails", async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    for (let i = 0; i < 4; i++) await attempt(store, wrong(`guess${i}@example.com`))
    expect((await attempt(store, { email: customer.email, password: PASSWORD })).body).toEqual({ is_valid: true, customer_id: customer.id })
    expect((await attempt(store, wrong('guess4@example.com'))).status).toBe(200)
    expectLimited(await attempt(store, wrong('guess5@example.com')))
  })

  it('does not count successful attempts', async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    for (let i = 0; i < 6; i++) {
      expect((await attempt(store, { email: customer.email, password: PASSWORD })).body).toEqual({ is_valid: true, customer_id: customer.id })
    }
    for (let i = 0; i < 3; i++) expect((await attempt(store, wrong(customer.email))).body).toEqual(INVALID)
    expectLimited(await attempt(store, wrong(customer.email)))
  })

  it('counts concurrent guesses before trying them: only 3 of 10 at once are tried', async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(store, wrong(customer.email), `203.0.113.${i}`)))
    expect(results.filter((res) => res.status === 200)).toHaveLength(3)
    for (const res of results.filter((r) => r.status !== 200)) expectLimited(res)
  })

  it("keeps each store's counts apart", async () => {
    const [mine, theirs] = [await t.newStore(), await t.newStore()]
    for (let i = 0; i < 5; i++) await attempt(theirs, wrong('shared@example.com'))
    const customer = await customerWithPassword(mine, { email: 'shared@example.com' })
    expect((await attempt(mine, { email: 'shared@example.com', password: PASSWORD })).body).toEqual({ is_valid: true, customer_id: customer.id })
  })

  it('does not count a refused request body', async () => {
    const store = await t.newStore()
    const customer = await customerWithPassword(store)
    for (let i = 0; i < 5; i++) expect((await attempt(store, { email: customer.email })).status).toBe(422)
    expect((await attempt(store, { email: customer.email, password: PASSWORD })).body).toEqual({ is_valid: true, customer_id: customer.id })
  })
})

// With REDIS_URL, every node counts failed attempts in one place: failures sent to one node
// bring the limit nearer on the other.
const redisUrl = await testRedisUrl()

describe.skipIf(!redisUrl).each(BACKENDS)('%s: failed attempts counted across two nodes through Redis', (backend) => {
  let first: TestApp
  let second: TestApp
  const limits = { perEmail: 3, perClient: 100, windowMs: 60_000 }

  beforeAll(async () => {
    const prefix = testPrefix()
    first = await buildTestApp(backend, { app: { loginLimits: limits, counters: await redisCounters(redisUrl!, prefix) } })
    second = await buildTestApp(backend, { db: first.db, app: { loginLimits: limits, counters: await redisCounters(redisUrl!, prefix) } })
  })
  afterAll(async () => {
    for (const node of [second, first]) {
      await node.close()
      await node.app.counters.close()
    }
  })

  it('refuses the fourth failure for one email with 429 whichever node the failures reached', async () => {
    const store = await first.newStore()
    const customer = await customerWithPassword(store)
    const wrong = { email: customer.email, password: 'Wrong1234' }
    const onSecond = () =>
      send(second.app, 'POST', `/stores/${store.hash}/v3/customers/validate-credentials`, wrong, { 'x-auth-token': store.token })
    expect((await validate(store, wrong)).body).toEqual(INVALID)
    expect((await onSecond()).body).toEqual(INVALID)
    expect((await validate(store, wrong)).body).toEqual(INVALID)
    const refused = await onSecond()
    expect(refused.status).toBe(429)
    expect(refused.body).toEqual(TOO_MANY)
    expect(Number(refused.headers['x-retry-after'])).toBeGreaterThan(0)
  })
})
