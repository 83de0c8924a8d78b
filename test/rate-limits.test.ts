import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryCounterStore } from '../src/core/counter-store.js'
import { parseRateLimit, UNLIMITED_QUOTA } from '../src/core/rate-limit-plans.js'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, errorBody, newCustomer, send, type Response, type TestApp, type TestStore } from './helpers/app.js'
import { redisCounters, testPrefix, testRedisUrl } from './helpers/redis.js'

// Request quotas (docs/COMPATIBILITY.md "Limits", BEHAVIOUR 10): every store has one, its own
// (set through the admin API: a plan or figures) or the deployment's default (DEFAULT_RATE_LIMIT,
// unlimited unless set), shared by every API account of the store, announced in four headers on
// every response, and past the quota a 429 in the envelope with X-Retry-After.

const TOO_MANY = errorBody(429, 'Too many requests')
const HEADERS = ['x-rate-limit-time-window-ms', 'x-rate-limit-time-reset-ms', 'x-rate-limit-requests-quota', 'x-rate-limit-requests-left']
const redisUrl = await testRedisUrl()

/** The four quota headers (and X-Retry-After) of a response, as numbers. */
function quotaHeaders(res: Response) {
  const number = (name: string) => (res.headers[name] === undefined ? undefined : Number(res.headers[name]))
  return {
    window: number('x-rate-limit-time-window-ms'),
    reset: number('x-rate-limit-time-reset-ms'),
    quota: number('x-rate-limit-requests-quota'),
    left: number('x-rate-limit-requests-left'),
    retryAfter: number('x-retry-after'),
  }
}

/** Counters whose store (Redis) has gone away: every operation fails. */
class UnreachableCounters extends MemoryCounterStore {
  override async hit(): Promise<never> {
    throw new Error('Stream isn\'t writeable and enableOfflineQueue options is false')
  }
  override async acquire(): Promise<never> {
    throw new Error('Stream isn\'t writeable and enableOfflineQueue options is false')
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function limit(t: TestApp, store: TestStore, quota: number, windowMs = 30_000): Promise<void> {
  const res = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota, window_ms: windowMs })
  expect(res.status).toBe(200)
}

/** The store's customers as a full-scope GET sees them once it is given `body` (a plan or figures). */
async function customersAfterLiftingTo(t: TestApp, store: TestStore, body: unknown): Promise<unknown[]> {
  expect((await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, body)).status).toBe(200)
  return (await store.request('GET', '/customers')).body.data
}

/** What an unlimited quota announces: a full quota, never spent, in a 30 s window. */
function expectUnlimited(res: Response): void {
  const headers = quotaHeaders(res)
  expect({ window: headers.window, quota: headers.quota, left: headers.left, retryAfter: headers.retryAfter }).toEqual({
    window: 30_000,
    quota: UNLIMITED_QUOTA,
    left: UNLIMITED_QUOTA,
    retryAfter: undefined,
  })
  expect(headers.reset).toBeGreaterThan(0)
  expect(headers.reset).toBeLessThanOrEqual(30_000)
}

/** The store's customers as a full-scope GET sees them once its own quota is dropped (the default is unlimited). */
async function customersAfterLifting(t: TestApp, store: TestStore): Promise<unknown[]> {
  expect((await admin(t, 'DELETE', `/stores/${store.hash}/rate-limit`)).status).toBe(204)
  return (await store.request('GET', '/customers')).body.data
}

describe.each(BACKENDS)('%s: request quotas', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('announces the default, unlimited, quota on every response of a store without its own, and never refuses', async () => {
    const store = await t.newStore()
    for (let i = 0; i < 160; i++) {
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(200)
      expectUnlimited(res)
    }
    const created = await store.request('POST', '/customers', [newCustomer()])
    expect(created.status).toBe(200)
    expectUnlimited(created)
  })

  it('answers every request of a limited store with the four headers, counting down', async () => {
    const store = await t.newStore()
    await limit(t, store, 3)
    const seen = []
    for (let i = 0; i < 3; i++) {
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(200)
      seen.push(quotaHeaders(res))
    }
    expect(seen.map(({ window, quota, left, retryAfter }) => ({ window, quota, left, retryAfter }))).toEqual([
      { window: 30_000, quota: 3, left: 2, retryAfter: undefined },
      { window: 30_000, quota: 3, left: 1, retryAfter: undefined },
      { window: 30_000, quota: 3, left: 0, retryAfter: undefined },
    ])
    for (const { reset } of seen) expect(reset).toBeGreaterThan(0)
    for (const { reset } of seen) expect(reset).toBeLessThanOrEqual(30_000)
  })

  it('answers the request past the quota 429 in the envelope, with the headers and X-Retry-After, and writes nothing', async () => {
    const store = await t.newStore()
    await limit(t, store, 2)
    expect((await store.request('GET', '/customers')).status).toBe(200)
    expect((await store.request('GET', '/customers')).status).toBe(200)

    const res = await store.request('POST', '/customers', [newCustomer()])
    expect(res.status).toBe(429)
    expect(res.body).toEqual(TOO_MANY)
    const headers = quotaHeaders(res)
    expect({ window: headers.window, quota: headers.quota, left: headers.left }).toEqual({ window: 30_000, quota: 2, left: 0 })
    expect(headers.retryAfter).toBe(Math.ceil(headers.reset! / 1000))
    expect(headers.retryAfter).toBeGreaterThanOrEqual(1)
    expect(headers.retryAfter).toBeLessThanOrEqual(30)
    expect(await customersAfterLifting(t, store)).toEqual([])
  })

  it('keeps answering 429 for the rest of the window', async () => {
    const store = await t.newStore()
    await limit(t, store, 1)
    expect((await store.request('GET', '/customers')).status).toBe(200)
    for (let i = 0; i < 3; i++) {
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(429)
      expect(res.body).toEqual(TOO_MANY)
      expect(quotaHeaders(res).left).toBe(0)
    }
  })

  it('starts a fresh count when the window has passed', async () => {
    const store = await t.newStore()
    await limit(t, store, 1, 200)
    expect((await store.request('GET', '/customers')).status).toBe(200)
    expect((await store.request('GET', '/customers')).status).toBe(429)
    await sleep(250)
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(quotaHeaders(res)).toMatchObject({ window: 200, quota: 1, left: 0 })
  })

  it('shares one quota between every API account of the store', async () => {
    const store = await t.newStore()
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    await limit(t, store, 2)
    expect(quotaHeaders(await store.request('GET', '/customers')).left).toBe(1)
    expect(quotaHeaders(await store.request('GET', '/customers', undefined, { token: readOnly })).left).toBe(0)
    expect((await store.request('GET', '/customers', undefined, { token: readOnly })).status).toBe(429)
  })

  it('counts each store on its own', async () => {
    const spent = await t.newStore()
    const fresh = await t.newStore()
    await limit(t, spent, 1)
    await limit(t, fresh, 1)
    expect((await spent.request('GET', '/customers')).status).toBe(200)
    expect((await spent.request('GET', '/customers')).status).toBe(429)
    const res = await fresh.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(quotaHeaders(res).left).toBe(0)
  })

  it("puts the headers on the store's error responses too", async () => {
    const store = await t.newStore()
    await limit(t, store, 5)
    const res = await store.request('GET', '/customers?foo=bar')
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, 'The filter(s): foo are not valid filter parameter(s).'))
    expect(quotaHeaders(res)).toMatchObject({ window: 30_000, quota: 5, left: 4 })
  })

  it('does not count requests refused by authentication, which carry no headers', async () => {
    const store = await t.newStore()
    const other = await t.newStore()
    await limit(t, store, 2)
    const refused = [
      await store.request('GET', '/customers', undefined, { token: null }),
      await store.request('GET', '/customers', undefined, { token: 'not-a-token' }),
      await store.request('GET', '/customers', undefined, { token: other.token }),
    ]
    expect(refused.map((res) => res.status)).toEqual([401, 401, 403])
    for (const res of refused) for (const name of HEADERS) expect(res.headers[name]).toBeUndefined()
    expect(quotaHeaders(await store.request('GET', '/customers')).left).toBe(1)
  })

  it('applies a changed quota from the next request, keeping the count of the window', async () => {
    const store = await t.newStore()
    await limit(t, store, 1)
    expect((await store.request('GET', '/customers')).status).toBe(200)
    expect((await store.request('GET', '/customers')).status).toBe(429)
    await limit(t, store, 5)
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(quotaHeaders(res)).toMatchObject({ quota: 5, left: 2 })
  })

  it('lets requests through, with the headers of an unspent quota, while the counters cannot be reached', async () => {
    const node = await buildTestApp(backend, { db: t.db, app: { counters: new UnreachableCounters() } })
    try {
      const store = await node.newStore()
      await limit(node, store, 1)
      const created = await store.request('POST', '/customers', [newCustomer()])
      expect(created.status).toBe(200)
      const [customer] = created.body.data
      for (let i = 0; i < 4; i++) {
        const res = await store.request('PUT', '/customers', [{ id: customer.id, first_name: `Try${i}` }])
        expect(res.status).toBe(200)
        expect(quotaHeaders(res)).toMatchObject({ window: 30_000, quota: 1, left: 1, retryAfter: undefined })
      }
    } finally {
      await node.close()
    }
  })

  it('has the default again once its own quota is dropped', async () => {
    const store = await t.newStore()
    await limit(t, store, 1)
    expect((await store.request('GET', '/customers')).status).toBe(200)
    expect((await store.request('GET', '/customers')).status).toBe(429)
    expect((await admin(t, 'DELETE', `/stores/${store.hash}/rate-limit`)).status).toBe(204)
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    expectUnlimited(res)
  })

  it('counts a store on a plan against the plan: pro is 450 per 30 s', async () => {
    const store = await t.newStore()
    expect((await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { plan: 'pro' })).status).toBe(200)
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(quotaHeaders(res)).toMatchObject({ window: 30_000, quota: 450, left: 449 })
  })
})

// Acceptance: with DEFAULT_RATE_LIMIT=150/30s, a store that was never configured has BigCommerce's
// Standard quota: 150 answered, the 151st a 429 with X-Retry-After.
describe.each(BACKENDS)('%s: a default quota of 150 per 30 s', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend, { app: { defaultRateLimit: parseRateLimit('150/30s') } })
  })
  afterAll(() => t.close())

  it('answers 150 requests of a store never configured, counting down, and the 151st 429 with X-Retry-After', async () => {
    const store = await t.newStore()
    const lefts = []
    for (let i = 0; i < 150; i++) {
      const res = await store.request('GET', '/customers')
      expect(res.status).toBe(200)
      expect(quotaHeaders(res)).toMatchObject({ window: 30_000, quota: 150, retryAfter: undefined })
      lefts.push(quotaHeaders(res).left)
    }
    expect(lefts).toEqual(Array.from({ length: 150 }, (_, i) => 149 - i))
    const res = await store.request('POST', '/customers', [newCustomer()])
    expect(res.status).toBe(429)
    expect(res.body).toEqual(TOO_MANY)
    const headers = quotaHeaders(res)
    expect({ window: headers.window, quota: headers.quota, left: headers.left }).toEqual({ window: 30_000, quota: 150, left: 0 })
    expect(headers.retryAfter).toBe(Math.max(1, Math.ceil(headers.reset! / 1000)))
    expect(await customersAfterLiftingTo(t, store, { plan: 'unlimited' })).toEqual([])
  })

  it('lets a store on the unlimited plan past the default, and counts it again once that is dropped', async () => {
    const store = await t.newStore()
    expect((await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { plan: 'unlimited' })).status).toBe(200)
    for (let i = 0; i < 155; i++) expectUnlimited(await store.request('GET', '/customers'))
    expect((await admin(t, 'DELETE', `/stores/${store.hash}/rate-limit`)).status).toBe(204)
    expect(quotaHeaders(await store.request('GET', '/customers'))).toMatchObject({ quota: 150, left: 149 })
  })

  it('shows the default in the admin API, for one store and beside the list', async () => {
    const store = await t.newStore()
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body).toEqual({
      data: { store_hash: store.hash, source: 'default', plan: null, quota: 150, window_ms: 30_000, unlimited: false },
    })
    expect((await admin(t, 'GET', '/rate-limits')).body.meta).toEqual({ default: { plan: null, quota: 150, window_ms: 30_000, unlimited: false } })
  })
})

describe.each(BACKENDS)('%s: admin API for quotas', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  const DEFAULT = { source: 'default', plan: 'unlimited', quota: UNLIMITED_QUOTA, window_ms: 30_000, unlimited: true }

  it('shows a store without a quota of its own with the default, unlimited', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { store_hash: store.hash, ...DEFAULT } })
  })

  it('puts a store on each named plan, with BigCommerce\'s figures', async () => {
    const store = await t.newStore()
    const figures = { standard: 150, plus: 150, pro: 450, enterprise: 450, unlimited: UNLIMITED_QUOTA }
    for (const [plan, quota] of Object.entries(figures)) {
      const expected = { store_hash: store.hash, source: 'store', plan, quota, window_ms: 30_000, unlimited: plan === 'unlimited' }
      const set = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { plan })
      expect(set.status).toBe(200)
      expect(set.body).toEqual({ data: expected })
      expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body).toEqual({ data: expected })
    }
  })

  it('refuses an unknown plan, or a plan with figures, with 422, and leaves the store as it was', async () => {
    const store = await t.newStore()
    const refused: [body: object, errors: Record<string, string>][] = [
      [{ plan: 'gold' }, { plan: 'must be one of: standard, plus, pro, enterprise, unlimited' }],
      [{ plan: 'pro', quota: 5 }, { plan: 'give a plan, or a quota (and window_ms), not both' }],
      [{}, { quota: 'is required without a plan' }],
    ]
    for (const [body, errors] of refused) {
      const res = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, body)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', errors))
    }
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body.data).toEqual({ store_hash: store.hash, ...DEFAULT })
  })

  it("takes a quota without a window as BigCommerce's 30 s window", async () => {
    const store = await t.newStore()
    const set = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 20 })
    expect(set.body).toEqual({ data: { store_hash: store.hash, source: 'store', plan: null, quota: 20, window_ms: 30_000, unlimited: false } })
  })

  it('sets a quota, answers it, and shows it on GET and in the list of limited stores', async () => {
    const store = await t.newStore()
    const set = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 150, window_ms: 30_000 })
    const expected = { store_hash: store.hash, source: 'store', plan: null, quota: 150, window_ms: 30_000, unlimited: false }
    expect(set.status).toBe(200)
    expect(set.body).toEqual({ data: expected })
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body).toEqual({ data: expected })
    const list = await admin(t, 'GET', '/rate-limits')
    expect(list.status).toBe(200)
    expect(list.body.data).toContainEqual(expected)
    expect(list.body.meta).toEqual({ default: { plan: 'unlimited', quota: UNLIMITED_QUOTA, window_ms: 30_000, unlimited: true } })
  })

  it('drops a quota with DELETE (204), after which the store shows the default', async () => {
    const store = await t.newStore()
    await limit(t, store, 10)
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/rate-limit`)
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body.data).toEqual({ store_hash: store.hash, ...DEFAULT })
    expect((await admin(t, 'GET', '/rate-limits')).body.data.map((l: { store_hash: string }) => l.store_hash)).not.toContain(store.hash)
  })

  it('refuses a quota of 0 with 422 and leaves the store as it was', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 0, window_ms: 30_000 })
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { quota: 'must be at least 1' }))
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body.data.source).toBe('default')
  })

  it('refuses a window under 100 ms or without a quota with 422', async () => {
    const store = await t.newStore()
    const short = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 5, window_ms: 99 })
    expect(short.status).toBe(422)
    expect(short.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { window_ms: 'must be at least 100' }))
    const missing = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { window_ms: 1000 })
    expect(missing.status).toBe(422)
    expect(missing.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { quota: 'is required without a plan' }))
  })

  it('answers 404 for a store that does not exist', async () => {
    for (const [method, body] of [['GET'], ['PUT', { quota: 5, window_ms: 1000 }], ['DELETE']] as const) {
      const res = await admin(t, method, '/stores/no-such-store/rate-limit', body)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, 'no store "no-such-store"'))
    }
  })

  it('answers 401 without the admin token and sets nothing', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 5, window_ms: 1000 }, null)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(errorBody(401, 'Unauthorized'))
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body.data.source).toBe('default')
  })
})

// Acceptance: two nodes (two apps on one database) with their own Redis connections enforce one
// quota between them: the 151st request of the window is a 429, whichever node receives it.
describe.skipIf(!redisUrl).each(BACKENDS)('%s: a quota shared by two nodes through Redis', (backend: Backend) => {
  let first: TestApp
  let second: TestApp

  beforeAll(async () => {
    const prefix = testPrefix()
    first = await buildTestApp(backend, { app: { counters: await redisCounters(redisUrl!, prefix) } })
    second = await buildTestApp(backend, { db: first.db, app: { counters: await redisCounters(redisUrl!, prefix) } })
  })
  afterAll(async () => {
    // The apps do not own the counter stores they were given; the test does.
    for (const node of [second, first]) {
      await node.close()
      await node.app.counters.close()
    }
  })

  /** The same request as `store.request`, sent to the second node. */
  const onSecond = (store: TestStore, path: string) =>
    send(second.app, 'GET', `/stores/${store.hash}/v3${path}`, undefined, { 'x-auth-token': store.token, accept: 'application/json' })

  it('answers the 151st request of a 150-per-30 s store 429 with the headers, the requests spread over both nodes', async () => {
    const store = await first.newStore()
    await limit(first, store, 150, 30_000)
    // 75 to each node, all at once: every count is handed out once, whichever node asks.
    const responses = await Promise.all(
      Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? store.request('GET', '/customers') : onSecond(store, '/customers'))),
    )
    expect(responses.map((res) => res.status)).toEqual(Array(150).fill(200))
    expect(responses.map((res) => quotaHeaders(res).left).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 150 }, (_, i) => i))

    for (const res of [await onSecond(store, '/customers'), await store.request('GET', '/customers')]) {
      expect(res.status).toBe(429)
      expect(res.body).toEqual(TOO_MANY)
      const headers = quotaHeaders(res)
      expect({ window: headers.window, quota: headers.quota, left: headers.left }).toEqual({ window: 30_000, quota: 150, left: 0 })
      expect(headers.reset).toBeGreaterThan(0)
      expect(headers.reset).toBeLessThanOrEqual(30_000)
      expect(headers.retryAfter).toBe(Math.ceil(headers.reset! / 1000))
    }
  })

  it('answers the second node with the count the first node left', async () => {
    const store = await first.newStore()
    await limit(first, store, 3)
    expect(quotaHeaders(await store.request('GET', '/customers')).left).toBe(2)
    expect(quotaHeaders(await onSecond(store, '/customers')).left).toBe(1)
    expect(quotaHeaders(await store.request('GET', '/customers')).left).toBe(0)
    expect((await onSecond(store, '/customers')).status).toBe(429)
  })
})
