import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryCounterStore } from '../src/core/counter-store.js'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { ADMIN_TOKEN, buildTestApp, errorBody, newCustomer, send, type Response, type TestApp, type TestStore } from './helpers/app.js'
import { redisCounters, testPrefix, testRedisUrl } from './helpers/redis.js'

// Per-store request quotas (docs/COMPATIBILITY.md "Limits", BEHAVIOUR 10): set through the admin
// API, shared by every API account of the store, announced in four headers on every response of
// a limited store, and past the quota a 429 in the envelope with X-Retry-After.

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

function admin(t: TestApp, method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<Response> {
  return send(t.app, method, `/admin${path}`, body, token === null ? {} : { authorization: `Bearer ${token}` })
}

async function limit(t: TestApp, store: TestStore, quota: number, windowMs = 30_000): Promise<void> {
  const res = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota, window_ms: windowMs })
  expect(res.status).toBe(200)
}

/** The store's customers as a full-scope GET sees them once its quota is lifted. */
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

  it('sends no rate-limit headers for a store without a quota', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    for (const name of [...HEADERS, 'x-retry-after']) expect(res.headers[name]).toBeUndefined()
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

  it('lets requests through, without headers, while the counters cannot be reached', async () => {
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
        for (const name of HEADERS) expect(res.headers[name]).toBeUndefined()
      }
    } finally {
      await node.close()
    }
  })

  it('sends no headers once the quota is lifted', async () => {
    const store = await t.newStore()
    await limit(t, store, 1)
    expect((await store.request('GET', '/customers')).status).toBe(200)
    expect((await admin(t, 'DELETE', `/stores/${store.hash}/rate-limit`)).status).toBe(204)
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    for (const name of HEADERS) expect(res.headers[name]).toBeUndefined()
  })
})

describe.each(BACKENDS)('%s: admin API for quotas', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('shows a store without a quota as not limited', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { store_hash: store.hash, enabled: false, quota: null, window_ms: null } })
  })

  it('sets a quota, answers it, and shows it on GET and in the list of limited stores', async () => {
    const store = await t.newStore()
    const set = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 150, window_ms: 30_000 })
    const expected = { store_hash: store.hash, enabled: true, quota: 150, window_ms: 30_000 }
    expect(set.status).toBe(200)
    expect(set.body).toEqual({ data: expected })
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body).toEqual({ data: expected })
    const list = await admin(t, 'GET', '/rate-limits')
    expect(list.status).toBe(200)
    expect(list.body.data).toContainEqual(expected)
  })

  it('lifts a quota with DELETE (204), after which the store shows as not limited', async () => {
    const store = await t.newStore()
    await limit(t, store, 10)
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/rate-limit`)
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body.data.enabled).toBe(false)
    expect((await admin(t, 'GET', '/rate-limits')).body.data.map((l: { store_hash: string }) => l.store_hash)).not.toContain(store.hash)
  })

  it('refuses a quota of 0 with 422 and leaves the store as it was', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 0, window_ms: 30_000 })
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { quota: 'must be at least 1' }))
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body.data.enabled).toBe(false)
  })

  it('refuses a window under 100 ms or without a quota with 422', async () => {
    const store = await t.newStore()
    const short = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 5, window_ms: 99 })
    expect(short.status).toBe(422)
    expect(short.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { window_ms: 'must be at least 100' }))
    const missing = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { window_ms: 1000 })
    expect(missing.status).toBe(422)
    expect(missing.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { quota: 'is required' }))
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
    expect((await admin(t, 'GET', `/stores/${store.hash}/rate-limit`)).body.data.enabled).toBe(false)
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
