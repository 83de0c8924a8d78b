import { PassThrough } from 'node:stream'
import type { RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_PREFIX, buildApp, type App } from '../src/app.js'
import { MemoryCounterStore, type CounterStore, type Release } from '../src/core/counter-store.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp, type TestStore } from './helpers/app.js'
import { redisCounters, testPrefix, testRedisUrl } from './helpers/redis.js'

// Per-endpoint concurrency caps (BEHAVIOUR 10, docs/COMPATIBILITY.md "Limits"): a route declares
// `config: { concurrency: n }`; one request of a store more than n in flight on it is a 429 that
// changes nothing. Requests are held in flight by sending their headers and holding back their
// body: the cap is taken before the body is read.

const TOO_MANY = errorBody(429, 'Too many requests')
const redisUrl = await testRedisUrl()

/** The caps BEHAVIOUR 10 documents, by route; routes not listed have none. */
const DOCUMENTED_CAPS: Record<string, number> = {
  'PUT /customers': 3,
  'POST /customers/addresses': 10,
  'PUT /customers/addresses': 3,
  'POST /customers/attributes': 3,
  'PUT /customers/attributes': 3,
  'PUT /customers/attribute-values': 3,
  'PUT /customers/form-field-values': 10,
}

/** A counter store that tells how many slots have been taken, so a test knows its requests are in. */
class WatchedCounters implements CounterStore {
  taken = 0
  constructor(private readonly inner: CounterStore = new MemoryCounterStore()) {}
  hit = (key: string, windowMs: number) => this.inner.hit(key, windowMs)
  refund = (key: string) => this.inner.refund(key)
  async acquire(key: string, limit: number, leaseMs: number): Promise<Release | null> {
    const release = await this.inner.acquire(key, limit, leaseMs)
    if (release) this.taken++
    return release
  }
  ping = () => this.inner.ping()
  close = () => this.inner.close()
}

interface Held {
  /** sends the rest of the body; the response follows */
  finish(body?: string): Promise<{ status: number; body: any }>
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2))
  expect(condition()).toBe(true)
}

/** Starts a request whose body is held back until finish(). */
function hold(app: App, store: TestStore, method: string, path: string, body: unknown): Held {
  const text = JSON.stringify(body)
  const stream = new PassThrough()
  const response = app.inject({
    method: method as 'PUT',
    url: `/stores/${store.hash}/v3${path}`,
    headers: { 'x-auth-token': store.token, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), accept: 'application/json' },
    payload: stream,
  })
  return {
    finish: async (sent = text) => {
      stream.end(sent)
      const res = await response
      return { status: res.statusCode, body: res.body === '' ? undefined : JSON.parse(res.body) }
    },
  }
}

describe.each(BACKENDS)('%s: concurrency caps', (backend: Backend) => {
  let t: TestApp
  let counters: WatchedCounters

  beforeAll(async () => {
    counters = new WatchedCounters()
    t = await buildTestApp(backend, { app: { counters } })
  })
  afterAll(() => t.close())

  /** A store with one customer named Jane; its id. */
  async function storeWithCustomer(): Promise<{ store: TestStore; id: number }> {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', [newCustomer({ first_name: 'Jane' })])
    expect(res.status).toBe(200)
    return { store, id: res.body.data[0].id }
  }

  /** Holds `n` PUT /customers renaming the customer Held0, Held1...; returns when all hold a slot. */
  async function holdPuts(store: TestStore, id: number, n: number, app: App = t.app, watched: WatchedCounters = counters): Promise<Held[]> {
    const before = watched.taken
    const held = Array.from({ length: n }, (_, i) => hold(app, store, 'PUT', '/customers', [{ id, first_name: `Held${i}` }]))
    await until(() => watched.taken === before + n)
    return held
  }

  it('answers a fourth concurrent PUT /customers 429 in the envelope, and it changes nothing', async () => {
    const { store, id } = await storeWithCustomer()
    const held = await holdPuts(store, id, 3)

    const fourth = await store.request('PUT', '/customers', [{ id, first_name: 'Fourth' }])
    expect(fourth.status).toBe(429)
    expect(fourth.body).toEqual(TOO_MANY)

    const finished = await Promise.all(held.map((h) => h.finish()))
    expect(finished.map((res) => res.status)).toEqual([200, 200, 200])
    const [customer] = (await store.request('GET', `/customers?id:in=${id}`)).body.data
    expect(['Held0', 'Held1', 'Held2']).toContain(customer.first_name)
  })

  it('lets the next PUT through once a held one has finished', async () => {
    const { store, id } = await storeWithCustomer()
    const held = await holdPuts(store, id, 3)
    expect((await held[0]!.finish()).status).toBe(200)

    const next = await store.request('PUT', '/customers', [{ id, first_name: 'Next' }])
    expect(next.status).toBe(200)
    expect(next.body.data[0].first_name).toBe('Next')
    await Promise.all(held.slice(1).map((h) => h.finish()))
  })

  it('gives the slot back when the held request fails', async () => {
    const { store, id } = await storeWithCustomer()
    const held = await holdPuts(store, id, 3)
    const failed = await Promise.all(held.map((h) => h.finish('{"not json')))
    expect(failed.map((res) => res.status)).toEqual([400, 400, 400])

    const next = await store.request('PUT', '/customers', [{ id, first_name: 'After' }])
    expect(next.status).toBe(200)
  })

  it('caps each store on its own', async () => {
    const busy = await storeWithCustomer()
    const other = await storeWithCustomer()
    const held = await holdPuts(busy.store, busy.id, 3)
    const res = await other.store.request('PUT', '/customers', [{ id: other.id, first_name: 'Free' }])
    expect(res.status).toBe(200)
    await Promise.all(held.map((h) => h.finish()))
  })

  it('does not cap a route that declares no concurrency (POST /customers)', async () => {
    const store = await t.newStore()
    const before = counters.taken
    const held = Array.from({ length: 5 }, () => hold(t.app, store, 'POST', '/customers', [newCustomer()]))
    const now = await store.request('POST', '/customers', [newCustomer()])
    expect(now.status).toBe(200)
    expect((await Promise.all(held.map((h) => h.finish()))).map((res) => res.status)).toEqual([200, 200, 200, 200, 200])
    expect(counters.taken).toBe(before)
  })

  it('puts the quota headers on a 429 of a full cap, when the store is limited', async () => {
    const { store, id } = await storeWithCustomer()
    const limited = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 100, window_ms: 30_000 })
    expect(limited.status).toBe(200)
    const held = await holdPuts(store, id, 3)
    const fourth = await store.request('PUT', '/customers', [{ id, first_name: 'Fourth' }])
    expect(fourth.status).toBe(429)
    expect(fourth.body).toEqual(TOO_MANY)
    expect(fourth.headers['x-rate-limit-requests-quota']).toBe('100')
    expect(fourth.headers['x-rate-limit-requests-left']).toBe('96')
    await Promise.all(held.map((h) => h.finish()))
  })

  it('declares the caps BEHAVIOUR 10 documents on every such route that is served', async () => {
    const routes: RouteOptions[] = []
    const app = buildApp({ db: t.db })
    app.addHook('onRoute', (route) => void routes.push(route))
    await app.ready()
    await app.close()
    const declared = Object.fromEntries(
      routes
        .filter((route) => route.url.startsWith(API_PREFIX) && route.method !== 'HEAD')
        .map((route) => [`${String(route.method)} ${route.url.slice(API_PREFIX.length)}`, route.config?.concurrency]),
    )
    expect(declared['PUT /customers']).toBe(3)
    for (const [route, cap] of Object.entries(declared)) expect({ route, cap }).toEqual({ route, cap: DOCUMENTED_CAPS[route] })
  })
})

// Two nodes sharing Redis hold one set of slots: two PUTs in flight on one node and one on the
// other fill the cap of 3 for the store.
describe.skipIf(!redisUrl).each(BACKENDS)('%s: a concurrency cap shared by two nodes through Redis', (backend: Backend) => {
  let first: TestApp
  let second: TestApp
  let firstCounters: WatchedCounters
  let secondCounters: WatchedCounters

  beforeAll(async () => {
    const prefix = testPrefix()
    firstCounters = new WatchedCounters(await redisCounters(redisUrl!, prefix))
    secondCounters = new WatchedCounters(await redisCounters(redisUrl!, prefix))
    first = await buildTestApp(backend, { app: { counters: firstCounters } })
    second = await buildTestApp(backend, { db: first.db, app: { counters: secondCounters } })
  })
  afterAll(async () => {
    for (const node of [second, first]) {
      await node.close()
      await node.app.counters.close()
    }
  })

  it('answers 429 to the fourth PUT /customers in flight across both nodes, and gives the slots back', async () => {
    const store = await first.newStore()
    const created = await store.request('POST', '/customers', [newCustomer()])
    const id = created.body.data[0].id
    const rename = (i: number) => [{ id, first_name: `Node${i}` }]

    const before = firstCounters.taken + secondCounters.taken
    const held = [
      hold(first.app, store, 'PUT', '/customers', rename(0)),
      hold(first.app, store, 'PUT', '/customers', rename(1)),
      hold(second.app, store, 'PUT', '/customers', rename(2)),
    ]
    await until(() => firstCounters.taken + secondCounters.taken === before + 3)

    const url = `/stores/${store.hash}/v3/customers`
    const headers = { 'x-auth-token': store.token, accept: 'application/json' }
    const fourth = await send(second.app, 'PUT', url, rename(3), headers)
    expect(fourth.status).toBe(429)
    expect(fourth.body).toEqual(TOO_MANY)

    expect((await Promise.all(held.map((h) => h.finish()))).map((res) => res.status)).toEqual([200, 200, 200])
    const after = await send(second.app, 'PUT', url, rename(4), headers)
    expect(after.status).toBe(200)
    expect(after.body.data[0].first_name).toBe('Node4')
  })
})
