import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { App } from '../src/app.js'
import { SCOPES } from '../src/core/scopes.js'
import { connectRedis } from '../src/core/redis.js'
import type { Entry } from '../src/inspector/entry.js'
import { RedisRequestStore } from '../src/inspector/redis-store.js'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { ADMIN_TOKEN, buildTestApp, errorBody, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'
import { openEventStream, type EventStream } from './helpers/event-stream.js'
import { testPrefix, testRedisUrl } from './helpers/redis.js'
import { AKRON, defineFormFields } from './helpers/subresources.js'

// The request inspector (docs/COMPATIBILITY.md "Request inspector"): every API request a store is
// sent, kept per store with its secrets redacted, served by the admin API as pages, one entry and
// a live stream (server-sent events), in memory or shared by every node through Redis.

const UNAUTHORIZED = errorBody(401, 'Unauthorized')
/** Small, so the tests can overflow both. */
const BODY_LIMIT = 1024
const SIZE = 50

const redisUrl = await testRedisUrl()

/** The store's entries, newest first, as the admin API lists them (every page's text checked by `pages`). */
async function listOf(t: { app: App }, hash: string, query = ''): Promise<{ data: Entry[]; meta: Record<string, unknown>; text: string }> {
  const res = await admin(t, 'GET', `/stores/${hash}/requests${query}`)
  expect(res.status).toBe(200)
  return { ...res.body, text: res.text }
}

/** Waits until the store's newest entry satisfies `check` (recording may finish after the answer: a refused token's store is looked up first). */
async function newest(t: { app: App }, hash: string, check: (entry: Entry) => boolean = () => true): Promise<Entry> {
  return vi.waitFor(async () => {
    const [entry] = (await listOf(t, hash, '?limit=1')).data
    if (!entry || !check(entry)) throw new Error('not recorded yet')
    return entry
  }, { timeout: 5_000, interval: 10 })
}

describe.each(BACKENDS)('%s: the request inspector', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend, { app: { inspector: { size: SIZE, bodyLimit: BODY_LIMIT, heartbeatMs: 50 } } })
  })
  afterAll(() => t.close())

  describe('what an entry holds', () => {
    it('a POST: method, path, status, latency, the client id, the safe headers and both bodies as sent and answered', async () => {
      const store = await t.newStore()
      const body = JSON.stringify([newCustomer({ first_name: 'Inspected' })])
      const res = await store.request('POST', '/customers', body, { headers: { 'content-type': 'application/json', 'user-agent': 'inspector-test/1', 'x-auth-client': 'my-app' } })
      expect(res.status).toBe(200)
      const entry = await newest(t, store.hash)
      expect(entry).toEqual({
        id: 1,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        method: 'POST',
        path: `/stores/${store.hash}/v3/customers`,
        query: '',
        status: 200,
        latency_ms: expect.any(Number),
        client_id: store.clientId,
        request_id: expect.any(String),
        request: {
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'inspector-test/1',
            'x-auth-client': 'my-app',
            'x-auth-token': '[redacted]',
          },
          body,
          body_truncated: false,
        },
        response: {
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'x-rate-limit-requests-left': expect.any(String),
            'x-rate-limit-requests-quota': expect.any(String),
            'x-rate-limit-time-reset-ms': expect.any(String),
            'x-rate-limit-time-window-ms': expect.any(String),
          },
          body: res.text,
          body_truncated: false,
        },
      })
      expect(entry.latency_ms).toBeGreaterThan(0)
      expect(Date.now() - Date.parse(entry.time)).toBeLessThan(60_000)
    })

    it('a GET keeps its query string apart from its path, and has no request body', async () => {
      const store = await t.newStore()
      await store.request('GET', '/customers?limit=1&name:like=ja')
      const entry = await newest(t, store.hash)
      expect(entry).toMatchObject({ method: 'GET', path: `/stores/${store.hash}/v3/customers`, query: 'limit=1&name:like=ja', status: 200 })
      expect(entry.request.body).toBeNull()
    })

    it('cuts a body past the limit on a character boundary, and says so', async () => {
      const store = await t.newStore()
      // Two-byte characters, so that the limit falls inside one of them.
      const body = JSON.stringify(Array.from({ length: 10 }, () => newCustomer({ notes: 'é'.repeat(101) })))
      expect(Buffer.byteLength(body)).toBeGreaterThan(BODY_LIMIT)
      const res = await store.request('POST', '/customers', body, { headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(200)
      const { request, response } = await newest(t, store.hash)
      expect(request.body_truncated).toBe(true)
      expect(Buffer.byteLength(request.body!)).toBeLessThanOrEqual(BODY_LIMIT)
      expect(Buffer.byteLength(request.body!)).toBeGreaterThan(BODY_LIMIT - 2)
      expect(body.startsWith(request.body!)).toBe(true)
      expect(response.body_truncated).toBe(true)
      expect(res.text.startsWith(response.body!)).toBe(true)
    })

    it('a refused token: the request is kept with its status and no client id', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers', undefined, { token: 'not-a-token' })
      expect(res.status).toBe(401)
      const entry = await newest(t, store.hash)
      expect(entry).toMatchObject({ status: 401, client_id: null, response: { body: res.text } })
      expect(entry.request.headers['x-auth-token']).toBe('[redacted]')
    })

    it('a path no route answers is kept too (404), under the store its URL names', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/no-such-thing?x=1')
      expect(res.status).toBe(404)
      expect(await newest(t, store.hash)).toMatchObject({ path: `/stores/${store.hash}/v3/no-such-thing`, query: 'x=1', status: 404, response: { body: res.text } })
    })

    it('the admin API is not recorded; nor is an API request to a store that does not exist', async () => {
      const store = await t.newStore()
      await admin(t, 'GET', `/stores/${store.hash}/tokens`)
      await t.app.inject({ method: 'GET', url: '/stores/no-such-store-hash/v3/customers', headers: { 'x-auth-token': store.token } })
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect((await listOf(t, store.hash)).data).toEqual([])
      expect((await admin(t, 'GET', '/stores/no-such-store-hash/requests')).status).toBe(404)
    })

    it('changes no response: the same request answers the same headers and body with the inspector off', async () => {
      const store = await t.newStore()
      await createCustomer(store)
      const off = await buildTestApp(backend, { db: t.db, app: { inspector: false } })
      try {
        const path = `/stores/${store.hash}/v3/customers?limit=5`
        const headers = { 'x-auth-token': store.token, accept: 'application/json' }
        const [on, without] = await Promise.all([t.app.inject({ method: 'GET', url: path, headers }), off.app.inject({ method: 'GET', url: path, headers })])
        expect(Object.keys(on.headers).sort()).toEqual(Object.keys(without.headers).sort())
        expect(on.body).toBe(without.body)
      } finally {
        await off.close()
      }
    })
  })

  describe('GET /admin/stores/{hash}/requests', () => {
    let store: TestStore
    let other: string
    let ids: Record<string, number>

    beforeAll(async () => {
      store = await t.newStore()
      other = await store.tokenWith([SCOPES.customersRead], 'inspector-other-client')
      await store.request('GET', '/customers?limit=1')
      await store.request('POST', '/customers', [newCustomer()])
      await store.request('GET', '/customers/addresses', undefined, { token: other })
      await store.request('POST', '/customers/validate-credentials', { email: 'nobody@example.com', password: 'whatever1' })
      await store.request('GET', '/customers', undefined, { token: 'wrong-token' })
      // The refused one is kept once its store is known to exist.
      await newest(t, store.hash, (e) => e.status === 401)
      const data = (await listOf(t, store.hash, '?limit=5')).data
      ids = Object.fromEntries(data.map((e) => [`${e.method} ${e.path.replace(`/stores/${store.hash}/v3`, '')} ${e.status}`, e.id]))
    })

    const idsOf = async (query: string) => (await listOf(t, store.hash, query)).data.map((e) => e.id)

    it('lists newest first, with the page meta', async () => {
      const page = await listOf(t, store.hash)
      expect(page.data.map((e) => e.id)).toEqual([5, 4, 3, 2, 1])
      expect(page.meta).toEqual({ count: 5, capacity: SIZE, last_id: 5, next_before: null })
    })

    it('filters by status or status class, method, path prefix and client id', async () => {
      expect(await idsOf('?status=401')).toEqual([ids['GET /customers 401']])
      expect(await idsOf('?status=4xx')).toEqual([5])
      expect(await idsOf('?status=2XX&method=post')).toEqual([4, 2])
      expect(await idsOf('?path_prefix=/customers/')).toEqual([4, 3])
      expect(await idsOf(`?path_prefix=/stores/${store.hash}/v3/customers/addresses`)).toEqual([3])
      expect(await idsOf('?client_id=inspector-other-client')).toEqual([3])
      expect(await idsOf(`?client_id=${store.clientId}`)).toEqual([4, 2, 1])
    })

    it('pages with limit and before (meta.next_before), and starts after an id', async () => {
      const first = await listOf(t, store.hash, '?limit=2')
      expect(first.data.map((e) => e.id)).toEqual([5, 4])
      expect(first.meta).toMatchObject({ count: 2, next_before: 4 })
      const second = await listOf(t, store.hash, '?limit=2&before=4')
      expect(second.data.map((e) => e.id)).toEqual([3, 2])
      expect((await listOf(t, store.hash, '?limit=2&before=2')).meta).toMatchObject({ count: 1, next_before: null })
      expect(await idsOf('?after=3')).toEqual([5, 4])
    })

    it('refuses a filter it does not know, and a malformed status, with 422', async () => {
      expect((await admin(t, 'GET', `/stores/${store.hash}/requests?colour=red`)).status).toBe(422)
      expect((await admin(t, 'GET', `/stores/${store.hash}/requests?status=40`)).status).toBe(422)
      expect((await admin(t, 'GET', `/stores/${store.hash}/requests?limit=0`)).status).toBe(422)
    })

    it('GET .../requests/{id} answers one entry; an id not kept is a 404', async () => {
      const res = await admin(t, 'GET', `/stores/${store.hash}/requests/2`)
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual((await listOf(t, store.hash)).data.find((e) => e.id === 2))
      const missing = await admin(t, 'GET', `/stores/${store.hash}/requests/99`)
      expect(missing.status).toBe(404)
      expect(missing.body).toEqual(errorBody(404, `no request 99 is kept for store "${store.hash}"`))
    })
  })

  it('keeps the newest INSPECTOR_SIZE entries per store, dropping the oldest, and stores apart', async () => {
    const small = await buildTestApp(backend, { db: t.db, app: { inspector: { size: 3 } } })
    try {
      const [a, b] = [await small.newStore(), await small.newStore()]
      for (let i = 1; i <= 5; i++) await a.request('GET', `/customers?page=${i}`)
      await b.request('GET', '/customers')
      const listed = await listOf(small, a.hash)
      expect(listed.data.map((e) => [e.id, e.query])).toEqual([[5, 'page=5'], [4, 'page=4'], [3, 'page=3']])
      expect(listed.meta).toMatchObject({ capacity: 3, last_id: 5 })
      expect((await admin(small, 'GET', `/stores/${a.hash}/requests/2`)).status).toBe(404)
      expect((await listOf(small, b.hash)).data.map((e) => e.id)).toEqual([1])
    } finally {
      await small.close()
    }
  })

  it('DELETE .../requests clears the store\'s entries; ids go on from where they were', async () => {
    const store = await t.newStore()
    await store.request('GET', '/customers')
    await store.request('GET', '/customers')
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/requests`)
    expect(res.status).toBe(204)
    expect(await listOf(t, store.hash)).toMatchObject({ data: [], meta: { count: 0, last_id: 2 } })
    await store.request('GET', '/customers')
    expect((await listOf(t, store.hash)).data.map((e) => e.id)).toEqual([3])
  })

  it('every inspector route is 401 without the admin token, or with another, and 404 for a store that does not exist', async () => {
    const store = await t.newStore()
    await store.request('GET', '/customers')
    const routes: [string, string][] = [
      ['GET', `/stores/${store.hash}/requests`],
      ['GET', `/stores/${store.hash}/requests/1`],
      ['GET', `/stores/${store.hash}/requests/stream`],
      ['DELETE', `/stores/${store.hash}/requests`],
    ]
    for (const [method, path] of routes) {
      for (const token of [null, 'not-the-admin-token']) {
        const res = await admin(t, method, path, undefined, token)
        expect(res.status, `${method} ${path}`).toBe(401)
        expect(res.body).toEqual(UNAUTHORIZED)
      }
      const unknown = await admin(t, method, path.replace(store.hash, 'no-such-store'))
      expect(unknown.status, `${method} ${path}`).toBe(404)
      expect(unknown.body).toEqual(errorBody(404, 'no store "no-such-store"'))
    }
    expect((await listOf(t, store.hash)).data).toHaveLength(1)
  })

  it('INSPECTOR=off: nothing is kept, and the routes say the inspector is off', async () => {
    const off = await buildTestApp(backend, { db: t.db, app: { inspector: false } })
    try {
      const store = await off.newStore()
      await store.request('GET', '/customers')
      const res = await admin(off, 'GET', `/stores/${store.hash}/requests`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, 'the request inspector is off (INSPECTOR=off)'))
    } finally {
      await off.close()
    }
  })

  describe('secrets are never kept', () => {
    // Each is planted in a request (or an instrument), then looked for in every kept entry, every
    // list page, each entry on its own, and the live stream.
    const SECRETS = {
      newPasswordPost: 'Planted1secretPost',
      newPasswordPut: 'Planted2secretPut',
      login: 'Planted3secretLogin',
      formField: 'Planted4secretField',
      formFieldValues: 'Planted5secretValues',
      addressField: 'Planted6secretAddress',
      instrument: 'plantedInstrumentToken7',
      brokenJson: 'Planted8secretBroken',
      escapedKey: 'Planted9secretEscaped',
      valueFirst: 'Planted10secretValueFirst',
    }
    let store: TestStore
    let listening: string
    let stream: EventStream

    beforeAll(async () => {
      store = await t.newStore()
      listening = await t.app.listen({ port: 0, host: '127.0.0.1' })
      // A stream open while the secrets are sent sees every entry live.
      stream = await openEventStream(`${listening}/admin/stores/${store.hash}/requests/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` })
      await defineFormFields(t, store, { form: 'customer', name: 'Secret word', type: 'password' }, { form: 'address', name: 'Gate code', type: 'password' }, { form: 'customer', name: 'Shoe size', type: 'text' })

      const created = await store.request('POST', '/customers', [
        newCustomer({ authentication: { new_password: SECRETS.newPasswordPost } }),
        newCustomer({ authentication: { force_password_reset: false, new_password: SECRETS.newPasswordPost }, form_fields: [{ name: 'Secret word', value: SECRETS.formField }, { name: 'Shoe size', value: '44' }] }),
      ])
      expect(created.status).toBe(200)
      const [first, second] = created.body.data.map((c: { id: number }) => c.id)
      const updated = await store.request('PUT', '/customers', [{ id: first, authentication: { new_password: SECRETS.newPasswordPut } }, { id: second, first_name: 'Still' }])
      expect(updated.status).toBe(200)
      const login = await store.request('POST', '/customers/validate-credentials', { email: created.body.data[0].email, password: SECRETS.login })
      expect(login.status).toBe(200)
      const values = await store.request('PUT', '/customers/form-field-values', [{ name: 'Secret word', value: SECRETS.formFieldValues, customer_id: second }])
      expect(values.status).toBe(200)
      const valueFirst = await store.request('PUT', '/customers/form-field-values', `[{"value":"${SECRETS.valueFirst}","customer_id":${second},"name":"Secret word"}]`, { headers: { 'content-type': 'application/json' } })
      expect(valueFirst.status).toBe(200)
      const address = await store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: first, form_fields: [{ name: 'Gate code', value: SECRETS.addressField }] }])
      expect(address.status).toBe(200)
      const broken = await store.request('POST', '/customers/validate-credentials', `{"email":"a@example.com","password":"${SECRETS.brokenJson}"`, { headers: { 'content-type': 'application/json' } })
      expect(broken.status).toBe(400)
      const escaped = await store.request('POST', '/customers/validate-credentials', `{"email":"a@example.com","p\\u0061ssword":"${SECRETS.escapedKey}"}`, { headers: { 'content-type': 'application/json' } })
      expect(escaped.status).toBe(200)
      const fixture = await admin(t, 'POST', `/stores/${store.hash}/customers/${first}/stored-instruments`, { type: 'stored_paypal_account', token: SECRETS.instrument, is_default: true, email: 'buyer@example.com' })
      expect(fixture.status).toBe(200)
      const instruments = await store.request('GET', `/customers/${first}/stored-instruments`)
      expect(instruments.text).toContain(SECRETS.instrument)
      // Every one of them is kept.
      await vi.waitFor(async () => expect((await listOf(t, store.hash)).data).toHaveLength(9), { timeout: 5_000, interval: 20 })
    })

    afterAll(async () => {
      stream?.close()
    })

    /** Every planted secret, the store's token and the admin token. */
    const planted = () => [...Object.values(SECRETS), store.token, ADMIN_TOKEN]

    function expectNoSecret(text: string, where: string): void {
      for (const secret of planted()) expect(text.includes(secret), `${where} holds ${secret}`).toBe(false)
    }

    it('no kept entry, list page or single entry holds a token or a password', async () => {
      const all = await listOf(t, store.hash, '?limit=1000')
      expectNoSecret(all.text, 'the list')
      let page = await listOf(t, store.hash, '?limit=1')
      for (;;) {
        expectNoSecret(page.text, 'a page')
        for (const entry of page.data) {
          const one = await admin(t, 'GET', `/stores/${store.hash}/requests/${entry.id}`)
          expectNoSecret(one.text, `entry ${entry.id}`)
        }
        if (page.meta.next_before === null) break
        page = await listOf(t, store.hash, `?limit=1&before=${page.meta.next_before}`)
      }
    })

    it('nor does the live stream, nor a stream resumed from the start', async () => {
      await vi.waitFor(() => expect(stream.events().length).toBeGreaterThanOrEqual(9), { timeout: 5_000, interval: 20 })
      expectNoSecret(stream.text(), 'the live stream')
      const resumed = await openEventStream(`${listening}/admin/stores/${store.hash}/requests/stream`, { authorization: `Bearer ${ADMIN_TOKEN}`, 'last-event-id': '0' })
      try {
        await vi.waitFor(() => expect(resumed.events().length).toBeGreaterThanOrEqual(9), { timeout: 5_000, interval: 20 })
        expectNoSecret(resumed.text(), 'a resumed stream')
      } finally {
        resumed.close()
      }
    })

    it('what is redacted shows [redacted] in its place; the rest of the body is kept', async () => {
      // By request, not by position: an entry whose body has form field values is kept a query later.
      const data = (await listOf(t, store.hash, '?limit=1000')).data
      const bodiesOf = (method: string, path: string, status = 200) =>
        data.filter((e) => e.method === method && e.path === `/stores/${store.hash}/v3${path}` && e.status === status).map((e) => e.request.body!)
      const [post] = bodiesOf('POST', '/customers').map((body) => JSON.parse(body))
      expect(post[0].authentication).toEqual({ new_password: '[redacted]' })
      expect(post[1].form_fields).toEqual([{ name: 'Secret word', value: '[redacted]' }, { name: 'Shoe size', value: '44' }])
      expect(post[0].email).toMatch(/@example\.com$/)
      expect(JSON.parse(bodiesOf('PUT', '/customers')[0]!)[0].authentication).toEqual({ new_password: '[redacted]' })
      const logins = bodiesOf('POST', '/customers/validate-credentials').map((body) => JSON.parse(body))
      expect(logins).toHaveLength(2)
      for (const login of logins) expect(login).toEqual({ email: expect.any(String), password: '[redacted]' })
      const values = bodiesOf('PUT', '/customers/form-field-values')
      expect(values).toHaveLength(2)
      for (const body of values) expect(JSON.parse(body)[0]).toMatchObject({ name: 'Secret word', value: '[redacted]' })
      expect(JSON.parse(bodiesOf('POST', '/customers/addresses')[0]!)[0].form_fields).toEqual([{ name: 'Gate code', value: '[redacted]' }])
      expect(bodiesOf('POST', '/customers/validate-credentials', 400)).toEqual(['[redacted]'])
      const instruments = data.find((e) => e.path.endsWith('/stored-instruments'))!
      expect(JSON.parse(instruments.response.body!)).toEqual([expect.objectContaining({ token: '[redacted]', email: 'buyer@example.com' })])
    })
  })

  describe('GET /admin/stores/{hash}/requests/stream (server-sent events)', () => {
    let origin: string

    beforeAll(async () => {
      const address = t.app.server.address()
      origin = address && typeof address === 'object' ? `http://127.0.0.1:${address.port}` : await t.app.listen({ port: 0, host: '127.0.0.1' })
    })

    const streamOf = (hash: string, query = '', headers: Record<string, string> = {}) =>
      openEventStream(`${origin}/admin/stores/${hash}/requests/stream${query}`, { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers })

    it('sends each request made after it opened, with the entry id as the event id, and heartbeats', async () => {
      const store = await t.newStore()
      await store.request('GET', '/customers?page=1')
      const stream = await streamOf(store.hash)
      try {
        expect(stream.contentType).toBe('text/event-stream; charset=utf-8')
        await store.request('GET', '/customers?page=2')
        const [event] = await stream.waitForEvents(1)
        expect(event!.id).toBe('2')
        expect(JSON.parse(event!.data)).toEqual((await listOf(t, store.hash)).data[0])
        await vi.waitFor(() => expect(stream.comments()).toContain('heartbeat'), { timeout: 2_000, interval: 20 })
      } finally {
        stream.close()
      }
    })

    it('honours the filters', async () => {
      const store = await t.newStore()
      const stream = await streamOf(store.hash, '?method=POST&status=2xx')
      try {
        await store.request('GET', '/customers')
        await store.request('POST', '/customers', [{}])
        await store.request('POST', '/customers', [newCustomer()])
        const [event] = await stream.waitForEvents(1)
        expect(JSON.parse(event!.data)).toMatchObject({ id: 3, method: 'POST', status: 200 })
        await new Promise((resolve) => setTimeout(resolve, 50))
        expect(stream.events()).toHaveLength(1)
      } finally {
        stream.close()
      }
    })

    it('resumes after Last-Event-ID (or ?after=): the kept entries after it first, then live ones, none twice', async () => {
      for (const [query, headers] of [['', { 'last-event-id': '1' }], ['?after=1', {}]] as const) {
        const store = await t.newStore()
        for (let i = 1; i <= 3; i++) await store.request('GET', `/customers?page=${i}`)
        const stream = await streamOf(store.hash, query, headers)
        try {
          expect((await stream.waitForEvents(2)).map((e) => e.id)).toEqual(['2', '3'])
          await store.request('GET', '/customers?page=9')
          const events = await stream.waitForEvents(3)
          expect(events.map((e) => e.id)).toEqual(['2', '3', '4'])
          expect(JSON.parse(events[2]!.data).query).toBe('page=9')
        } finally {
          stream.close()
        }
      }
    })

    it('is 401 without the admin token, over a real connection too', async () => {
      const res = await fetch(`${origin}/admin/stores/whatever/requests/stream`)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual(UNAUTHORIZED)
    })

    it('ends cleanly when the server closes', async () => {
      const other = await buildTestApp(backend, { db: t.db })
      const store = await other.newStore()
      const address = await other.app.listen({ port: 0, host: '127.0.0.1' })
      const stream = await openEventStream(`${address}/admin/stores/${store.hash}/requests/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` })
      const started = Date.now()
      await other.close()
      await stream.ended
      expect(Date.now() - started).toBeLessThan(3_000)
    })
  })
})

describe.skipIf(!redisUrl).each(BACKENDS)('%s: the request inspector shared through Redis', (backend) => {
  let a: TestApp
  let b: TestApp
  const connections: Awaited<ReturnType<typeof connectRedis>>[] = []

  beforeAll(async () => {
    const prefix = testPrefix()
    // Two nodes: each its own connection, one Redis, one prefix, one database.
    const node = async (db?: TestApp['db']) => {
      const redis = await connectRedis(redisUrl!)
      connections.push(redis)
      const store = new RedisRequestStore(redis, { capacity: 20, bodyLimit: BODY_LIMIT, prefix })
      return buildTestApp(backend, { ...(db ? { db } : {}), app: { inspector: { store, heartbeatMs: 1_000 } } })
    }
    a = await node()
    b = await node(a.db)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
    for (const redis of connections) await redis.quit()
  })

  it('a request to node A is listed by node B, under ids both share, capped at the capacity', async () => {
    const store = await a.newStore()
    await store.request('GET', '/customers?from=a')
    await b.app.inject({ method: 'GET', url: `/stores/${store.hash}/v3/customers?from=b`, headers: { 'x-auth-token': store.token } })
    const onB = await vi.waitFor(async () => {
      const page = await listOf(b, store.hash)
      if (page.data.length < 2) throw new Error('not yet')
      return page
    }, { timeout: 5_000, interval: 10 })
    expect(onB.data.map((e) => [e.id, e.query])).toEqual([[2, 'from=b'], [1, 'from=a']])
    expect((await listOf(a, store.hash)).data).toEqual(onB.data)
    for (let i = 0; i < 25; i++) await store.request('GET', '/customers')
    await vi.waitFor(async () => expect((await listOf(b, store.hash)).meta).toMatchObject({ count: 20, last_id: 27 }), { timeout: 5_000, interval: 10 })
    expect((await admin(b, 'GET', `/stores/${store.hash}/requests/27`)).body.data.id).toBe(27)
  })

  it('node B streams the requests node A answers, and resumes from Last-Event-ID', async () => {
    const store = await a.newStore()
    const origin = await b.app.listen({ port: 0, host: '127.0.0.1' })
    const url = `${origin}/admin/stores/${store.hash}/requests/stream`
    const stream = await openEventStream(url, { authorization: `Bearer ${ADMIN_TOKEN}` })
    try {
      await store.request('GET', '/customers?live=1')
      const [event] = await stream.waitForEvents(1)
      expect(JSON.parse(event!.data)).toMatchObject({ id: 1, query: 'live=1', client_id: store.clientId })
    } finally {
      stream.close()
    }
    await store.request('GET', '/customers?missed=1')
    const resumed = await openEventStream(url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'last-event-id': '1' })
    try {
      const [event] = await resumed.waitForEvents(1)
      expect(JSON.parse(event!.data)).toMatchObject({ id: 2, query: 'missed=1' })
    } finally {
      resumed.close()
    }
  })

  it('DELETE on one node clears the entries for both', async () => {
    const store = await a.newStore()
    await store.request('GET', '/customers')
    await newest(b, store.hash)
    expect((await admin(b, 'DELETE', `/stores/${store.hash}/requests`)).status).toBe(204)
    expect((await listOf(a, store.hash)).data).toEqual([])
  })
})
