import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TITLES } from '../src/core/errors.js'
import { ALL_SCOPES, SCOPES } from '../src/core/scopes.js'
import { HOOK_PROBLEMS } from '../src/resources/hooks/service.js'
import { buildTestApp, errorBody, invalidQuery, type TestApp, type TestStore } from './helpers/app.js'
import { BACKENDS } from './helpers/backends.js'

// Webhooks V3 (/hooks) through HTTP: every operation, filter and documented error, ownership
// across two API accounts of one store, and the limits. Destinations: hooks-destinations.test.ts.

const NOW = '2026-01-01T00:00:00Z'
const NOW_SECONDS = Date.parse(NOW) / 1000
const invalid = (errors: Record<string, string>) => errorBody(422, TITLES.invalidData, errors)
const notFound = (id: number) => errorBody(404, `Webhook with id [${id}] not found`)
const EMPTY_UPDATE = {
  status: 422,
  title: 'The following fields are invalid: data',
  type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes',
  errors: { data: 'Update webhook request should not be empty' },
}
const HOOK_KEYS = ['id', 'client_id', 'store_hash', 'created_at', 'updated_at', 'scope', 'destination', 'is_active', 'headers', 'events_history_enabled']

let destinationCount = 0
const nextDestination = () => `https://hooks.example.com/receive/${++destinationCount}`

describe.each(BACKENDS)('%s: webhooks', (backend) => {
  let t: TestApp
  let store: TestStore
  /** a second API account of the same store */
  let other: string
  let otherClientId: string

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())
  beforeEach(async () => {
    t.clock.set(NOW)
    store = await t.newStore()
    otherClientId = `other-${store.hash}`
    other = await store.tokenWith(ALL_SCOPES, otherClientId)
  })

  const create = async (body: Record<string, unknown> = {}, token?: string) => {
    const res = await store.request('POST', '/hooks', { scope: 'store/customer/created', destination: nextDestination(), ...body }, token ? { token } : {})
    expect(res.status).toBe(200)
    return res.body.data as Record<string, any>
  }
  const list = async (query = '', token?: string) => {
    const res = await store.request('GET', `/hooks${query}`, undefined, token ? { token } : {})
    expect(res.status).toBe(200)
    return res.body
  }

  describe('POST /hooks', () => {
    it('creates an active hook without headers by default, in the spec\'s key order', async () => {
      const res = await store.request('POST', '/hooks', { scope: 'store/customer/created', destination: 'https://app.example.com/hooks' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: {
          id: expect.any(Number),
          client_id: store.clientId,
          store_hash: store.hash,
          created_at: NOW_SECONDS,
          updated_at: NOW_SECONDS,
          scope: 'store/customer/created',
          destination: 'https://app.example.com/hooks',
          is_active: true,
          headers: null,
          events_history_enabled: false,
        },
        meta: {},
      })
      expect(Object.keys(res.body.data)).toEqual(HOOK_KEYS)
      const read = await store.request('GET', `/hooks/${res.body.data.id}`)
      expect(read.body).toEqual(res.body)
    })

    it('keeps is_active false and the headers; answers events_history_enabled false whatever is sent', async () => {
      const hook = await create({ is_active: false, headers: { Authorization: 'Basic dXNlcjpwYXNz', 'X-Custom': 'value' }, events_history_enabled: true })
      expect(hook).toMatchObject({ is_active: false, headers: { Authorization: 'Basic dXNlcjpwYXNz', 'X-Custom': 'value' }, events_history_enabled: false })
      expect((await store.request('GET', `/hooks/${hook.id}`)).body.data).toEqual(hook)
    })

    it('takes emitted scopes, their wildcards and documented scopes Clientele never fires', async () => {
      for (const scope of ['store/customer/*', 'store/customer/address/*', 'store/cart/*', 'store/cart/metafield/*',
        'store/customer/channel/login/access/updated', 'store/order/created', 'store/product/*', 'store/app/uninstalled']) {
        expect((await create({ scope })).scope).toBe(scope)
      }
    })

    it('refuses a missing scope or destination with 422, and writes nothing', async () => {
      expect((await store.request('POST', '/hooks', { destination: nextDestination() })).body).toEqual(invalid({ scope: 'is required' }))
      expect((await store.request('POST', '/hooks', { scope: 'store/customer/created' })).body).toEqual(invalid({ destination: 'is required' }))
      const res = await store.request('POST', '/hooks', {})
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ scope: 'is required', destination: 'is required' }))
      expect((await list()).data).toEqual([])
    })

    it('refuses an unknown scope with 422 naming it', async () => {
      for (const scope of ['store/customer/metafield/created', 'store/foo', 'Store/Customer/Created', 'store/customer/']) {
        const res = await store.request('POST', '/hooks', { scope, destination: nextDestination() })
        expect(res.status).toBe(422)
        expect(res.body).toEqual(invalid({ scope: HOOK_PROBLEMS.unknownScope(scope) }))
      }
      expect((await list()).data).toEqual([])
    })

    it('refuses headers that are not a string map or not valid HTTP', async () => {
      const send = (headers: unknown) => store.request('POST', '/hooks', { scope: 'store/customer/created', destination: nextDestination(), headers })
      expect((await send({ 'X-A': 1 })).status).toBe(422)
      expect((await send(['a'])).status).toBe(422)
      expect((await send({ 'bad name': 'x' })).body).toEqual(invalid({ 'headers.bad name': HOOK_PROBLEMS.headerName }))
      expect((await send({ 'X-A': 'line\r\nInjected: yes' })).body).toEqual(invalid({ 'headers.X-A': HOOK_PROBLEMS.headerValue }))
      expect((await list()).data).toEqual([])
    })

    it('admits a token with any scope, read-only ones included (no OAuth scope is needed)', async () => {
      for (const scope of ALL_SCOPES) {
        const token = await store.tokenWith([scope])
        const res = await store.request('POST', '/hooks', { scope: 'store/customer/created', destination: nextDestination() }, { token })
        expect(res.status).toBe(200)
      }
      const readOnly = await store.tokenWith([SCOPES.customersRead])
      expect((await store.request('GET', '/hooks', undefined, { token: readOnly })).status).toBe(200)
    })

    it('refuses a second hook of the account for the same scope and destination with 409', async () => {
      const hook = await create({ destination: 'https://app.example.com/one' })
      const res = await store.request('POST', '/hooks', { scope: 'store/customer/created', destination: 'https://app.example.com/one' })
      expect(res.status).toBe(409)
      expect(res.body).toEqual(errorBody(409, TITLES.conflict, { destination: HOOK_PROBLEMS.duplicate('store/customer/created') }))
      // another scope, or another account, may have it
      await create({ scope: 'store/customer/updated', destination: 'https://app.example.com/one' })
      await create({ destination: 'https://app.example.com/one' }, other)
      expect((await list()).data.map((h: any) => h.id)).toEqual([hook.id, expect.any(Number)])
    })

    it('takes ten hooks per account and scope, and refuses the eleventh with 422', async () => {
      for (let i = 0; i < 10; i++) await create()
      const res = await store.request('POST', '/hooks', { scope: 'store/customer/created', destination: nextDestination() })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(invalid({ scope: HOOK_PROBLEMS.limitReached('store/customer/created') }))
      // deactivated or not, the ten count; another scope and another account are not limited by them
      expect((await list('?scope=store/customer/created')).meta.pagination.total).toBe(10)
      await create({ scope: 'store/customer/updated' })
      await create({}, other)
    })
  })

  describe('POST /hooks at once', () => {
    it('keeps the limits when requests race: ten of twelve, and one of three twins', async () => {
      const racing = await Promise.all(Array.from({ length: 12 }, () =>
        store.request('POST', '/hooks', { scope: 'store/customer/deleted', destination: nextDestination() })))
      expect(racing.map((r) => r.status).sort()).toEqual([...Array(10).fill(200), 422, 422])
      const twins = await Promise.all(Array.from({ length: 3 }, () =>
        store.request('POST', '/hooks', { scope: 'store/customer/updated', destination: 'https://twin.example.com/' })))
      expect(twins.map((r) => r.status).sort()).toEqual([200, 409, 409])
      expect((await list('?limit=250')).meta.pagination.total).toBe(11)
    })
  })

  describe('GET /hooks', () => {
    it("lists the account's hooks only, by id, with pagination", async () => {
      const a = await create()
      const b = await create({ scope: 'store/cart/*' })
      await create({}, other)
      const body = await list()
      expect(body).toEqual({
        data: [a, b],
        meta: { pagination: { total: 2, count: 2, per_page: 50, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=50' } } },
      })
      expect((await list('', other)).data.map((h: any) => h.client_id)).toEqual([otherClientId])
    })

    it('filters by is_active, scope and destination, and pages', async () => {
      const a = await create({ scope: 'store/customer/created', destination: 'https://one.example.com/' })
      const b = await create({ scope: 'store/customer/updated', destination: 'https://one.example.com/', is_active: false })
      const c = await create({ scope: 'store/customer/updated', destination: 'https://two.example.com/' })
      const ids = async (query: string) => (await list(query)).data.map((h: any) => h.id)
      expect(await ids('?is_active=true')).toEqual([a.id, c.id])
      expect(await ids('?is_active=false')).toEqual([b.id])
      expect(await ids('?scope=store/customer/updated')).toEqual([b.id, c.id])
      expect(await ids('?scope=store/customer/*')).toEqual([])
      expect(await ids(`?destination=${encodeURIComponent('https://one.example.com/')}`)).toEqual([a.id, b.id])
      expect(await ids('?scope=store/customer/updated&is_active=true')).toEqual([c.id])
      const page = await list('?limit=2&page=2')
      expect(page.data.map((h: any) => h.id)).toEqual([c.id])
      expect(page.meta.pagination).toEqual({
        total: 3, count: 1, per_page: 2, current_page: 2, total_pages: 2, links: { previous: '?page=1&limit=2', current: '?page=2&limit=2' },
      })
    })

    it('answers 401 without a token, as every route', async () => {
      const res = await store.request('GET', '/hooks', undefined, { token: null })
      expect(res).toMatchObject({ status: 401, body: errorBody(401, TITLES.unauthorized) })
    })

    it('refuses a bad is_active and unknown parameters with 422', async () => {
      expect((await store.request('GET', '/hooks?is_active=yes')).body).toEqual(invalidQuery('is_active', 'must be true or false. For input string: "yes".'))
      const res = await store.request('GET', '/hooks?client_id=x')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'The filter(s): client_id are not valid filter parameter(s).'))
    })
  })

  describe('GET /hooks/{webhook_id}', () => {
    it("answers 404 for an unknown id and for another account's hook", async () => {
      const mine = await create()
      expect(await store.request('GET', '/hooks/999999')).toMatchObject({ status: 404, body: notFound(999999) })
      expect(await store.request('GET', `/hooks/${mine.id}`, undefined, { token: other })).toMatchObject({ status: 404, body: notFound(mine.id) })
    })

    it('refuses an id that is not a positive integer with 422', async () => {
      expect((await store.request('GET', '/hooks/abc')).body).toEqual(invalid({ webhook_id: 'must be an integer' }))
      expect((await store.request('GET', '/hooks/0')).body).toEqual(invalid({ webhook_id: 'must be at least 1' }))
    })

    it("answers 403 for another store's token, as every route", async () => {
      const mine = await create()
      const stranger = await t.newStore()
      const res = await store.request('GET', `/hooks/${mine.id}`, undefined, { token: stranger.token })
      expect(res.status).toBe(403)
    })
  })

  describe('PUT /hooks/{webhook_id}', () => {
    it('changes only what is sent and moves updated_at', async () => {
      const hook = await create({ headers: { 'X-A': '1' } })
      t.clock.advance(60)
      const res = await store.request('PUT', `/hooks/${hook.id}`, { destination: 'https://new.example.com/x', is_active: false })
      expect(res.status).toBe(200)
      const expected = { ...hook, destination: 'https://new.example.com/x', is_active: false, updated_at: NOW_SECONDS + 60 }
      expect(res.body).toEqual({ data: expected, meta: {} })
      expect(Object.keys(res.body.data)).toEqual(HOOK_KEYS)
      expect((await store.request('GET', `/hooks/${hook.id}`)).body.data).toEqual(expected)

      const cleared = await store.request('PUT', `/hooks/${hook.id}`, { headers: null, scope: 'store/customer/*' })
      expect(cleared.body.data).toEqual({ ...expected, headers: null, scope: 'store/customer/*' })
    })

    it('answers an empty update (no body, null, {} or events_history_enabled alone) with BigCommerce\'s 422', async () => {
      const hook = await create()
      for (const body of [{}, { events_history_enabled: true }, { events_history_enabled: false }, undefined, null]) {
        const res = await store.request('PUT', `/hooks/${hook.id}`, body === null ? 'null' : body, body === null ? { headers: { 'content-type': 'application/json' } } : {})
        expect(res.status).toBe(422)
        expect(res.text).toBe(JSON.stringify(EMPTY_UPDATE))
      }
      expect((await store.request('GET', `/hooks/${hook.id}`)).body.data).toEqual(hook)
    })

    it('reactivates a deactivated hook with is_active true', async () => {
      const hook = await create()
      await t.db.updateTable('webhooks').set({ status: 'deactivated' }).where('id', '=', hook.id).execute()
      expect((await store.request('GET', `/hooks/${hook.id}`)).body.data.is_active).toBe(false)
      const res = await store.request('PUT', `/hooks/${hook.id}`, { is_active: true })
      expect(res.body.data.is_active).toBe(true)
      expect((await store.request('GET', '/hooks/admin')).body.data.hooks_list[0].status).toBe('active')
    })

    it('refuses an unknown scope, a bad destination, a duplicate and an eleventh hook of a scope; changes nothing', async () => {
      const hook = await create({ destination: 'https://a.example.com/' })
      const twin = await create({ scope: 'store/customer/updated', destination: 'https://a.example.com/' })
      expect((await store.request('PUT', `/hooks/${hook.id}`, { scope: 'store/nope' })).body).toEqual(invalid({ scope: HOOK_PROBLEMS.unknownScope('store/nope') }))
      expect((await store.request('PUT', `/hooks/${hook.id}`, { destination: 'http://a.example.com/' })).status).toBe(422)
      const dup = await store.request('PUT', `/hooks/${twin.id}`, { scope: 'store/customer/created' })
      expect(dup.status).toBe(409)
      expect(dup.body).toEqual(errorBody(409, TITLES.conflict, { destination: HOOK_PROBLEMS.duplicate('store/customer/created') }))
      for (let i = 0; i < 9; i++) await create()
      const eleventh = await store.request('PUT', `/hooks/${twin.id}`, { scope: 'store/customer/created', destination: nextDestination() })
      expect(eleventh.body).toEqual(invalid({ scope: HOOK_PROBLEMS.limitReached('store/customer/created') }))
      // a hook may keep its own scope and destination (it does not count against itself)
      expect((await store.request('PUT', `/hooks/${hook.id}`, { scope: 'store/customer/created', destination: 'https://a.example.com/' })).status).toBe(200)
      expect((await store.request('GET', `/hooks/${twin.id}`)).body.data).toEqual(twin)
    })

    it("answers 404 for an unknown id and for another account's hook, which stays as it was", async () => {
      const hook = await create()
      expect(await store.request('PUT', '/hooks/999999', { is_active: false })).toMatchObject({ status: 404, body: notFound(999999) })
      const res = await store.request('PUT', `/hooks/${hook.id}`, { is_active: false, destination: 'https://evil.example.com/' }, { token: other })
      expect(res).toMatchObject({ status: 404, body: notFound(hook.id) })
      expect((await store.request('GET', `/hooks/${hook.id}`)).body.data).toEqual(hook)
    })
  })

  describe('DELETE /hooks/{webhook_id}', () => {
    it('deletes the hook and answers it with 200', async () => {
      const hook = await create()
      const keep = await create()
      const res = await store.request('DELETE', `/hooks/${hook.id}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: hook, meta: {} })
      expect((await store.request('GET', `/hooks/${hook.id}`)).status).toBe(404)
      expect(await store.request('DELETE', `/hooks/${hook.id}`)).toMatchObject({ status: 404, body: notFound(hook.id) })
      expect((await list()).data).toEqual([keep])
    })

    it("answers 404 for another account's hook and keeps it", async () => {
      const hook = await create()
      expect(await store.request('DELETE', `/hooks/${hook.id}`, undefined, { token: other })).toMatchObject({ status: 404, body: notFound(hook.id) })
      expect((await store.request('GET', `/hooks/${hook.id}`)).body.data).toEqual(hook)
    })
  })

  describe('/hooks/admin', () => {
    it('answers no emails, no hooks and no blocked domains at first', async () => {
      const res = await store.request('GET', '/hooks/admin')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: { emails: [], hooks_list: [], blocked_domains: [] },
        meta: { pagination: { total: 0, count: 0, per_page: 50, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=50' } } },
      })
    })

    it("lists the account's hooks with their status, filtered by is_active", async () => {
      const a = await create()
      const b = await create({ is_active: false })
      const c = await create()
      await create({}, other)
      await t.db.updateTable('webhooks').set({ status: 'deactivated' }).where('id', '=', c.id).execute()
      const res = await store.request('GET', '/hooks/admin')
      const item = (hook: Record<string, any>, status: string) => ({
        id: hook.id, client_id: hook.client_id, store_hash: hook.store_hash, scope: hook.scope, destination: hook.destination,
        headers: hook.headers, is_active: status === 'active', created_at: hook.created_at, updated_at: hook.updated_at, status,
      })
      expect(res.body.data.hooks_list).toEqual([item(a, 'active'), item(b, 'inactive'), item(c, 'deactivated')])
      expect(Object.keys(res.body.data.hooks_list[0])).toEqual(Object.keys(item(a, 'active')))
      expect(res.body.meta.pagination.total).toBe(3)
      expect((await store.request('GET', '/hooks/admin?is_active=true')).body.data.hooks_list.map((h: any) => h.id)).toEqual([a.id])
      expect((await store.request('GET', '/hooks/admin?is_active=false')).body.data.hooks_list.map((h: any) => h.id)).toEqual([b.id, c.id])
    })

    it('replaces the emails with PUT (204), per account', async () => {
      const put = await store.request('PUT', '/hooks/admin', { emails: ['ops@example.com', 'dev@example.com'] })
      expect(put.status).toBe(204)
      expect(put.text).toBe('')
      expect((await store.request('GET', '/hooks/admin')).body.data.emails).toEqual(['ops@example.com', 'dev@example.com'])
      expect((await store.request('PUT', '/hooks/admin', { emails: ['only@example.com'] })).status).toBe(204)
      expect((await store.request('GET', '/hooks/admin')).body.data.emails).toEqual(['only@example.com'])
      expect((await store.request('GET', '/hooks/admin', undefined, { token: other })).body.data.emails).toEqual([])
      expect((await store.request('PUT', '/hooks/admin', { emails: [] })).status).toBe(204)
      expect((await store.request('GET', '/hooks/admin')).body.data.emails).toEqual([])
    })

    it('refuses a missing list and addresses that are not emails with 422, and keeps the old ones', async () => {
      await store.request('PUT', '/hooks/admin', { emails: ['ops@example.com'] })
      expect((await store.request('PUT', '/hooks/admin', {})).body).toEqual(invalid({ emails: 'is required' }))
      const res = await store.request('PUT', '/hooks/admin', { emails: ['ok@example.com', 'not an email'] })
      expect(res.status).toBe(422)
      expect(Object.keys(res.body.errors)).toEqual(['emails.1'])
      expect((await store.request('PUT', '/hooks/admin', { emails: 'ops@example.com' })).status).toBe(422)
      const many = Array.from({ length: 101 }, (_, i) => `a${i}@example.com`)
      expect((await store.request('PUT', '/hooks/admin', { emails: many })).body).toEqual(invalid({ emails: 'must contain at most 100 items' }))
      expect((await store.request('GET', '/hooks/admin')).body.data.emails).toEqual(['ops@example.com'])
    })
  })

  describe('GET /hooks/events (deprecated)', () => {
    /** events of the store at these times (Unix seconds), and deliveries of them */
    async function seed(times: number[]) {
      const { id: storeId } = await t.db.selectFrom('stores').select('id').where('hash', '=', store.hash).executeTakeFirstOrThrow()
      const events = []
      for (const [i, created_at] of times.entries()) {
        const row = await t.db
          .insertInto('webhook_events')
          .values({ store_id: storeId, scope: 'store/customer/created', data: JSON.stringify({ type: 'customer', id: i + 1 }), hash: `${'a'.repeat(39)}${i}`, created_at, dispatched: 1 })
          .returning(['id', 'hash', 'created_at'])
          .executeTakeFirstOrThrow()
        events.push(row)
      }
      const deliver = (eventId: number, hookId: number, status: string) =>
        t.db.insertInto('webhook_deliveries').values({
          store_id: storeId, event_id: eventId, hook_id: hookId, status, attempts: 12, next_attempt_at: 0, lease_until: 0,
          last_status: 500, last_error: null, last_latency_ms: 10, created_at: 0, delivered_at: null,
        }).execute()
      return { storeId, events, deliver }
    }
    const envelope = (storeId: number, event: { hash: string; created_at: number }, customer: number) => ({
      scope: 'store/customer/created', store_id: String(storeId), data: { type: 'customer', id: customer },
      hash: event.hash, created_at: event.created_at, producer: `stores/${store.hash}`,
    })

    it("lists the store's events that this account's hooks could not deliver, newest first", async () => {
      const mine = await create()
      const theirs = await create({}, other)
      const base = NOW_SECONDS
      const { storeId, events, deliver } = await seed([base, base + 10, base + 20, base + 30])
      const [e1, e2, e3, e4] = events as [typeof events[0], typeof events[0], typeof events[0], typeof events[0]]
      await deliver(e1.id, mine.id, 'failed')
      await deliver(e2.id, mine.id, 'delivered')
      await deliver(e3.id, mine.id, 'failed')
      await deliver(e3.id, theirs.id, 'failed')
      await deliver(e4.id, theirs.id, 'failed')

      const res = await store.request('GET', '/hooks/events')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: [envelope(storeId, e3, 3), envelope(storeId, e1, 1)],
        meta: { pagination: { total: 2, count: 2, per_page: 50, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=50' } } },
      })
      expect(Object.keys(res.body.data[0])).toEqual(['scope', 'store_id', 'data', 'hash', 'created_at', 'producer'])
      const theirsListed = await store.request('GET', '/hooks/events', undefined, { token: other })
      expect(theirsListed.body.data.map((e: any) => e.hash)).toEqual([e4.hash, e3.hash])
    })

    it('filters by created_at:min and created_at:max (Unix seconds or ISO dates) and pages', async () => {
      const mine = await create()
      const base = NOW_SECONDS
      const { events, deliver } = await seed([base - 86_400, base, base + 10])
      for (const event of events) await deliver(event.id, mine.id, 'failed')
      const hashes = async (query: string) => (await store.request('GET', `/hooks/events${query}`)).body.data.map((e: any) => e.hash)
      const [d0, d1, d2] = events.map((e) => e.hash)
      expect(await hashes(`?created_at:min=${base}`)).toEqual([d2, d1])
      expect(await hashes(`?created_at:max=${base}`)).toEqual([d1, d0])
      expect(await hashes(`?created_at:min=${base}&created_at:max=${base}`)).toEqual([d1])
      expect(await hashes('?created_at:min=2026-01-01')).toEqual([d2, d1])
      expect(await hashes('?created_at:max=2025-12-31')).toEqual([d0])
      expect(await hashes('?limit=1&page=2')).toEqual([d1])
      const bad = await store.request('GET', '/hooks/events?created_at:min=yesterday')
      expect(bad.status).toBe(422)
      expect(bad.body.title).toMatch(/^Query parameter "created_at:min" must be a date/)
    })

    it('lists nothing for an account without failures', async () => {
      expect((await store.request('GET', '/hooks/events')).body.data).toEqual([])
    })
  })

  it('describes every hooks route in /openapi.json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' })
    const paths = JSON.parse(res.body).paths as Record<string, Record<string, { operationId: string }>>
    const p = '/stores/{store_hash}/v3/hooks'
    expect(Object.entries({
      [`post ${p}`]: 'createWebhooks', [`get ${p}`]: 'getWebhooks', [`get ${p}/{webhook_id}`]: 'getWebhook',
      [`put ${p}/{webhook_id}`]: 'updateWebhook', [`delete ${p}/{webhook_id}`]: 'deleteWebhook', [`get ${p}/admin`]: 'getHooksAdmin',
      [`put ${p}/admin`]: 'updateHooksAdmin', [`get ${p}/events`]: 'getWebhookEvents',
    }).every(([op, id]) => {
      const [method, path] = op.split(' ') as [string, string]
      return paths[path]?.[method]?.operationId === id
    })).toBe(true)
  })
})
