import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SESSION_TTL_MS } from '../src/core/admin-session.js'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { ADMIN_TOKEN, buildTestApp, errorBody, newCustomer, send, type Response, type TestApp, type TestStore } from './helpers/app.js'
import { consoleSession, type ConsoleSession } from './helpers/console.js'

// The console's server side (docs/CONSOLE.md): sign-in with the admin token into a session cookie
// (HttpOnly, SameSite=Strict), the CSRF token every change made with it carries, the page and its
// files, and the proxy through which the page reaches a store's API. The page itself is tested
// in a browser (console-browser.test.ts).

const UNAUTHORIZED = errorBody(401, 'Unauthorized')
const CSRF_REFUSED = errorBody(403, 'Forbidden', {}, "A change made with the console session needs its CSRF token in X-CSRF-Token, sent from the console's own origin.")

describe.each(BACKENDS)('%s: the console', (backend) => {
  let t: TestApp
  let store: TestStore
  let session: ConsoleSession

  beforeAll(async () => {
    t = await buildTestApp(backend)
    store = await t.newStore()
    session = await consoleSession(t.app)
  })
  afterAll(() => t.close())

  describe('without a session every console and admin route is 401', () => {
    it('the page answers 401 with the sign-in form, and no data', async () => {
      const res = await send(t.app, 'GET', '/console/')
      expect(res.status).toBe(401)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.text).toContain('action="/console/session"')
      expect(res.text).toContain('name="token"')
      expect(res.text).not.toContain(store.hash)
      expect(res.headers['cache-control']).toBe('no-store')
    })

    it.each([
      ['GET', '/console/session'],
      ['DELETE', '/console/session'],
      ['GET', '/console/assets/app.js'],
      ['GET', '/console/api/stores/{hash}/v3/customers'],
      ['POST', '/console/api/stores/{hash}/v3/customers'],
      ['PUT', '/console/api/stores/{hash}/v3/customers'],
      ['DELETE', '/console/api/stores/{hash}/v3/customers?id:in=1'],
      ['GET', '/admin/stores'],
      ['POST', '/admin/stores'],
      ['GET', '/admin/stores/{hash}/hooks'],
      ['GET', '/admin/stores/{hash}/requests'],
      ['GET', '/admin/stores/{hash}/requests/1'],
      ['GET', '/admin/stores/{hash}/requests/stream'],
      ['DELETE', '/admin/stores/{hash}/requests'],
      ['GET', '/admin/stores/{hash}/webhook-deliveries'],
    ])('%s %s', async (method, path) => {
      const url = path.replace('{hash}', store.hash)
      for (const headers of <Record<string, string>[]>[{}, { cookie: 'clientele_console=1.2.3' }, { authorization: 'Bearer wrong' }, { cookie: `clientele_console=${session.cookie}x` }]) {
        const res = await send(t.app, method, url, method === 'GET' || method === 'DELETE' ? undefined : [newCustomer()], headers)
        expect(res.status, `${JSON.stringify(headers)}`).toBe(401)
        expect(res.body).toEqual(UNAUTHORIZED)
      }
    })

    it('a forged secret with characters of more than one byte is refused, never a 500', async () => {
      const [expiry, nonce, mac] = session.cookie.split('.') as [string, string, string]
      const forged = `${expiry}.${nonce}.${'é'.repeat(mac.length)}`
      expect((await send(t.app, 'GET', '/admin/stores', undefined, { cookie: `clientele_console=${forged}` })).body).toEqual(UNAUTHORIZED)
      const internal = await send(t.app, 'GET', `/stores/${store.hash}/v3/customers`, undefined, { accept: 'application/json', 'x-clientele-internal': 'é'.repeat(43) })
      expect(internal.body).toEqual(UNAUTHORIZED)
      const csrf = await session.request('POST', '/admin/stores', { hash: 'never-made' }, { csrf: 'é'.repeat(session.csrf.length) })
      expect(csrf.body).toEqual(CSRF_REFUSED)
    })

    it('the sign-in page\'s style and script are served without a session; nothing else is', async () => {
      const css = await send(t.app, 'GET', '/console/assets/app.css')
      expect(css.status).toBe(200)
      expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
      const script = await send(t.app, 'GET', '/console/assets/sign-in.js')
      expect(script.status).toBe(200)
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    })

    it('a session ends when it expires', async () => {
      const expiring = await consoleSession(t.app)
      expect((await expiring.request('GET', '/admin/stores')).status).toBe(200)
      t.clock.set(new Date(Date.now() + SESSION_TTL_MS + 1000).toISOString())
      try {
        expect((await expiring.request('GET', '/admin/stores')).body).toEqual(UNAUTHORIZED)
        expect((await expiring.request('GET', '/console/')).status).toBe(401)
      } finally {
        t.clock.set(new Date().toISOString())
      }
    })
  })

  describe('signing in', () => {
    it('a JSON sign-in with the admin token sets the session cookie: HttpOnly, SameSite=Strict, for the whole site', async () => {
      const res = await send(t.app, 'POST', '/console/session', { token: ADMIN_TOKEN })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: { csrf_token: expect.stringMatching(/^[\w-]{43}$/), expires_at: expect.any(String) } })
      expect(Date.parse(res.body.data.expires_at) - Date.now()).toBeGreaterThan(SESSION_TTL_MS - 60_000)
      const cookie = String(res.headers['set-cookie'])
      expect(cookie).toMatch(/^clientele_console=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/)
      // The cookie is not the admin token, nor holds it.
      expect(cookie).not.toContain(ADMIN_TOKEN)
    })

    it('the form sign-in answers 303 to the page; a wrong token answers 401 and the form again with a message', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' }
      const good = await send(t.app, 'POST', '/console/session', `token=${encodeURIComponent(ADMIN_TOKEN)}`, form)
      expect(good.status).toBe(303)
      expect(good.headers.location).toBe('/console/')
      expect(String(good.headers['set-cookie'])).toMatch(/^clientele_console=/)
      const bad = await send(t.app, 'POST', '/console/session', 'token=nope', form)
      expect(bad.status).toBe(401)
      expect(bad.text).toContain('That is not the admin token.')
      expect(bad.headers['set-cookie']).toBeUndefined()
    })

    it.each([
      ['a wrong token', { token: 'wrong' }],
      ['no token', {}],
      ['a token that is not a string', { token: 1 }],
    ])('%s: 401, no cookie', async (_, body) => {
      const res = await send(t.app, 'POST', '/console/session', body)
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
      expect(res.headers['set-cookie']).toBeUndefined()
    })

    it('a sign-in posted from another origin is refused', async () => {
      const res = await send(t.app, 'POST', '/console/session', { token: ADMIN_TOKEN }, { origin: 'https://evil.example', host: 'localhost:80' })
      expect(res.status).toBe(403)
      expect(res.headers['set-cookie']).toBeUndefined()
    })

    it('the page, signed in, carries the session\'s CSRF token and never the admin token', async () => {
      const res = await session.request('GET', '/console/')
      expect(res.status).toBe(200)
      expect(res.text).toContain(`<meta name="csrf-token" content="${session.csrf}">`)
      expect(res.text).not.toContain(ADMIN_TOKEN)
      expect(res.headers['content-security-policy']).toBe("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.headers['referrer-policy']).toBe('same-origin')
      const again = await session.request('GET', '/console/session')
      expect(again.body.data.csrf_token).toBe(session.csrf)
    })

    it('signing out clears the cookie', async () => {
      const leaving = await consoleSession(t.app)
      expect((await leaving.request('DELETE', '/console/session', undefined, { csrf: null })).body).toEqual(CSRF_REFUSED)
      const res = await leaving.request('DELETE', '/console/session')
      expect(res.status).toBe(204)
      expect(String(res.headers['set-cookie'])).toMatch(/^clientele_console=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/)
    })

    it('files: a known one is served, an unknown one or a path that climbs out is 404', async () => {
      const script = await session.request('GET', '/console/assets/app.js')
      expect(script.status).toBe(200)
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
      for (const path of ['nope.js', '../plugin.js', '..%2Fplugin.js', '.hidden.js', 'app.ts', 'js/../../assets.js']) {
        const res = await session.request('GET', `/console/assets/${path}`)
        expect(res.status, path).toBe(404)
      }
    })
  })

  describe('the admin API with the session', () => {
    it('reads with the cookie; a change needs the CSRF token, and one without it changes nothing', async () => {
      expect((await session.request('GET', '/admin/stores')).status).toBe(200)
      const hash = `c${Date.now().toString(36)}${backend.slice(0, 2)}`
      const refused = await session.request('POST', '/admin/stores', { hash }, { csrf: null })
      expect(refused.status).toBe(403)
      expect(refused.body).toEqual(CSRF_REFUSED)
      const wrong = await session.request('POST', '/admin/stores', { hash }, { csrf: 'x'.repeat(43) })
      expect(wrong.body).toEqual(CSRF_REFUSED)
      const otherOrigin = await session.request('POST', '/admin/stores', { hash }, { headers: { origin: 'https://evil.example', host: 'localhost:80' } })
      expect(otherOrigin.body).toEqual(CSRF_REFUSED)
      const list = (await admin(t, 'GET', '/stores')).body.data.map((s: { hash: string }) => s.hash)
      expect(list).not.toContain(hash)
      const made = await session.request('POST', '/admin/stores', { hash }, { headers: { origin: 'http://localhost:80', host: 'localhost:80' } })
      expect(made.status).toBe(200)
      expect((await admin(t, 'GET', '/stores')).body.data.map((s: { hash: string }) => s.hash)).toContain(hash)
      expect((await session.request('DELETE', `/admin/stores/${hash}`)).status).toBe(204)
    })

    it("lists every account's hooks of a store, with its client id", async () => {
      const own = await t.newStore()
      const other = await own.tokenWith(['store_v2_customers'], 'otherclient')
      const hook = (scope: string) => ({ scope, destination: 'https://receiver.example/hook', is_active: true })
      const first = await own.request('POST', '/hooks', hook('store/customer/created'))
      const second = await own.request('POST', '/hooks', hook('store/customer/updated'), { token: other })
      expect([first.status, second.status]).toEqual([200, 200])
      const res = await session.request('GET', `/admin/stores/${own.hash}/hooks`)
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual([
        { id: second.body.data.id, client_id: 'otherclient', scope: 'store/customer/updated', destination: 'https://receiver.example/hook', is_active: true, status: 'active', created_at: expect.any(Number), updated_at: expect.any(Number) },
        { id: first.body.data.id, client_id: own.clientId, scope: 'store/customer/created', destination: 'https://receiver.example/hook', is_active: true, status: 'active', created_at: expect.any(Number), updated_at: expect.any(Number) },
      ].sort((a, b) => (a.client_id < b.client_id ? -1 : 1)))
      expect((await session.request('GET', '/admin/stores/nostore/hooks')).status).toBe(404)
    })
  })

  describe('the store API through the console', () => {
    const proxied = (s: ConsoleSession, method: string, hash: string, path: string, body?: unknown, options?: Parameters<ConsoleSession['request']>[3]) =>
      s.request(method, `/console/api/stores/${hash}/v3${path}`, body, options)

    it('creates, finds, edits and deletes through the API\'s own code, and the API sees each change', async () => {
      const own = await t.newStore()
      const created = await proxied(session, 'POST', own.hash, '/customers', [newCustomer({ first_name: 'Console', last_name: 'Made' })])
      expect(created.status).toBe(200)
      const [customer] = created.body.data
      const found = await proxied(session, 'GET', own.hash, `/customers?email:in=${encodeURIComponent(customer.email)}&include=addresses`)
      expect(found.status).toBe(200)
      expect(found.body.data.map((c: { id: number }) => c.id)).toEqual([customer.id])
      expect(found.body.meta.pagination).toMatchObject({ total: 1, current_page: 1 })

      const edited = await proxied(session, 'PUT', own.hash, '/customers', [{ id: customer.id, first_name: 'Renamed' }])
      expect(edited.status).toBe(200)
      const seen = await own.request('GET', `/customers?id:in=${customer.id}`)
      expect(seen.body.data[0]).toMatchObject({ first_name: 'Renamed', last_name: 'Made' })
      // The same service code: the change made its webhook event, as an app's would.
      const events = await t.db.selectFrom('webhook_events').innerJoin('stores', 'stores.id', 'webhook_events.store_id')
        .select('scope').where('stores.hash', '=', own.hash).orderBy('webhook_events.id').execute()
      expect(events.map((e) => e.scope)).toEqual(['store/customer/created', 'store/customer/updated'])

      // The API's own errors, in its own shape.
      const invalid = await proxied(session, 'PUT', own.hash, '/customers', [{ id: customer.id, email: 'not an email' }])
      expect(invalid.status).toBe(422)
      expect(invalid.body).toMatchObject({ status: 422, title: expect.any(String), type: expect.any(String) })
      expect((await own.request('GET', `/customers?id:in=${customer.id}`)).body.data[0].email).toBe(customer.email)

      const refused = await proxied(session, 'DELETE', own.hash, `/customers?id:in=${customer.id}`, undefined, { csrf: null })
      expect(refused.body).toEqual(CSRF_REFUSED)
      expect((await own.request('GET', `/customers?id:in=${customer.id}`)).body.data).toHaveLength(1)
      const deleted = await proxied(session, 'DELETE', own.hash, `/customers?id:in=${customer.id}`)
      expect(deleted.status).toBe(204)
      expect((await own.request('GET', `/customers?id:in=${customer.id}`)).body.data).toHaveLength(0)
    })

    it("is not an app's traffic: the inspector keeps none of it and the quota does not count it", async () => {
      const own = await t.newStore()
      expect((await admin(t, 'PUT', `/stores/${own.hash}/rate-limit`, { quota: 3, window_ms: 60_000 })).status).toBe(200)
      for (let i = 0; i < 5; i++) expect((await proxied(session, 'GET', own.hash, '/customers')).status).toBe(200)
      const appRequest = await own.request('GET', '/customers')
      expect(appRequest.status).toBe(200)
      expect(appRequest.headers['x-rate-limit-requests-left']).toBe('2')
      const kept = await vi.waitFor(async () => {
        const list = await session.request('GET', `/admin/stores/${own.hash}/requests`)
        if (list.body.data.length === 0) throw new Error('not kept yet')
        return list.body.data
      })
      expect(kept.map((e: { client_id: string }) => e.client_id)).toEqual([own.clientId])
    })

    it("shows a customer's metafields of every owner, app_only ones included", async () => {
      const own = await t.newStore()
      const customer = (await own.request('POST', '/customers', [newCustomer()])).body.data[0]
      const mine = await own.tokenWith(['store_v2_customers'], 'ownerapp')
      const created = await own.request('POST', `/customers/${customer.id}/metafields`, { namespace: 'app', key: 'secret-ish', value: 'v', permission_set: 'app_only' }, { token: mine })
      expect(created.status).toBe(200)
      // Another account does not see it; the console does.
      expect((await own.request('GET', `/customers/${customer.id}/metafields`, undefined, { token: await own.tokenWith(['store_v2_customers']) })).body.data).toEqual([])
      const seen = await proxied(session, 'GET', own.hash, `/customers/${customer.id}/metafields`)
      expect(seen.status).toBe(200)
      expect(seen.body.data).toEqual([created.body.data])
    })

    it('webhooks are an account\'s own: refused through the console; an unknown store is 404', async () => {
      const hooks = await proxied(session, 'GET', store.hash, '/hooks')
      expect(hooks.status).toBe(403)
      expect((await proxied(session, 'POST', store.hash, '/hooks', { scope: 'store/customer/created', destination: 'https://x.example/', is_active: true })).status).toBe(403)
      const missing = await proxied(session, 'GET', 'nosuchstore', '/customers')
      expect(missing.status).toBe(404)
      expect(missing.body).toEqual(errorBody(404, 'Not Found', {}, 'no store "nosuchstore"'))
    })

    it('an unknown API path is the API\'s own 404', async () => {
      const res = await proxied(session, 'GET', store.hash, '/nothing-here')
      expect(res.status).toBe(404)
      expect(res.body).toMatchObject({ status: 404 })
    })
  })

  describe('the inspector never shows a token or password on any console page', () => {
    it('secrets planted in requests are in no entry, no page of the list and not in the page itself', async () => {
      const own = await t.newStore()
      const secrets = { create: 'ConsolePlanted1Secret', login: 'ConsolePlanted2Secret', update: 'ConsolePlanted3Secret' }
      const created = await own.request('POST', '/customers', [newCustomer({ authentication: { new_password: secrets.create } })])
      expect(created.status).toBe(200)
      const id = created.body.data[0].id
      await own.request('PUT', '/customers', [{ id, authentication: { new_password: secrets.update } }])
      await own.request('POST', '/customers/validate-credentials', { email: created.body.data[0].email, password: secrets.login })
      const planted = [...Object.values(secrets), own.token, ADMIN_TOKEN]
      const pages: Response[] = []
      const entries = await vi.waitFor(async () => {
        const list = await session.request('GET', `/admin/stores/${own.hash}/requests?limit=1`)
        if (list.body.meta?.total !== undefined && list.body.meta.total < 3) throw new Error('not kept yet')
        return list
      })
      // Every page of the list, one entry at a time, then each entry.
      let before: number | undefined = entries.body.data[0]?.id + 1
      for (;;) {
        const page = await session.request('GET', `/admin/stores/${own.hash}/requests?limit=1${before ? `&before=${before}` : ''}`)
        expect(page.status).toBe(200)
        pages.push(page)
        if (page.body.data.length === 0) break
        before = page.body.data[0].id
        pages.push(await session.request('GET', `/admin/stores/${own.hash}/requests/${before}`))
      }
      expect(pages.length).toBeGreaterThanOrEqual(7)
      pages.push(await session.request('GET', '/console/'))
      for (const page of pages) for (const secret of planted) expect(page.text.includes(secret), `${secret} shown`).toBe(false)
    })
  })
})
