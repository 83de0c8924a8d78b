import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { ALL_SCOPES, SCOPES } from '../src/core/scopes.js'
import { hashToken } from '../src/stores/tokens.js'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { ADMIN_TOKEN, buildTestApp, errorBody, newCustomer, send, type TestApp } from './helpers/app.js'

// The admin API (/admin): stores and API accounts over HTTP, behind a bearer token.

const NOW = '2026-01-02T03:04:05Z'
const UNAUTHORIZED = errorBody(401, 'Unauthorized')
const KEY = /^[a-z0-9]{31}$/

/** A store hash no other test (or test file sharing the database) uses. */
const uniqueHash = () => `a${randomUUID().replace(/-/g, '').slice(0, 12)}`

describe.each(BACKENDS)('%s: admin API', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    t.clock.set(NOW)
  })
  afterAll(() => t.close())

  async function storeHashes(): Promise<string[]> {
    const res = await admin(t, 'GET', '/stores')
    expect(res.status).toBe(200)
    return res.body.data.map((s: { hash: string }) => s.hash)
  }

  async function tokensOf(hash: string): Promise<unknown[]> {
    const res = await admin(t, 'GET', `/stores/${hash}/tokens`)
    expect(res.status).toBe(200)
    return res.body.data
  }

  async function createStore(): Promise<string> {
    const hash = uniqueHash()
    expect((await admin(t, 'POST', '/stores', { hash })).status).toBe(200)
    return hash
  }

  describe('access', () => {
    it('is off (404) when the app has no admin token, and creates nothing', async () => {
      const app = buildApp({ db: t.db })
      await app.ready()
      const hash = uniqueHash()
      try {
        const res = await admin({ app }, 'POST', '/stores', { hash })
        expect(res.status).toBe(404)
        expect(res.body).toEqual(errorBody(404, 'Not Found'))
      } finally {
        await app.close()
      }
      expect(await storeHashes()).not.toContain(hash)
    })

    it('answers 401 without an Authorization header', async () => {
      const res = await admin(t, 'GET', '/stores', undefined, null)
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    })

    it('answers 401 to a wrong bearer token and creates nothing', async () => {
      const hash = uniqueHash()
      const res = await admin(t, 'POST', '/stores', { hash }, 'not-the-admin-token')
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
      expect(await storeHashes()).not.toContain(hash)
    })

    it('answers 401 to the right token without the Bearer scheme', async () => {
      const res = await send(t.app, 'GET', '/admin/stores', undefined, { authorization: ADMIN_TOKEN })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    })
  })

  describe('stores', () => {
    it('creates a store named after its hash', async () => {
      const hash = uniqueHash()
      const res = await admin(t, 'POST', '/stores', { hash })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: { hash, name: hash, date_created: NOW } })
    })

    it('creates a store with a name', async () => {
      const hash = uniqueHash()
      const res = await admin(t, 'POST', '/stores', { hash, name: 'Main street shop' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: { hash, name: 'Main street shop', date_created: NOW } })
    })

    it('answers 409 to a hash that exists and keeps the first store', async () => {
      const hash = uniqueHash()
      await admin(t, 'POST', '/stores', { hash, name: 'First' })
      const res = await admin(t, 'POST', '/stores', { hash, name: 'Second' })
      expect(res.status).toBe(409)
      expect(res.body).toEqual(errorBody(409, `store "${hash}" already exists`))
      const list = await admin(t, 'GET', '/stores')
      expect(list.body.data.filter((s: { hash: string }) => s.hash === hash)).toEqual([{ hash, name: 'First', date_created: NOW }])
    })

    it('answers 422 to a hash with characters a URL segment should not hold', async () => {
      const res = await admin(t, 'POST', '/stores', { hash: 'bad hash!' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'store hash "bad hash!" must be 1-64 letters, digits, "-" or "_"'))
      expect(await storeHashes()).not.toContain('bad hash!')
    })

    it('answers 422 to a body without a hash', async () => {
      const res = await admin(t, 'POST', '/stores', { name: 'No hash' })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { hash: 'is required' }))
    })

    it('lists stores in creation order', async () => {
      const first = await createStore()
      const second = await createStore()
      const res = await admin(t, 'GET', '/stores')
      expect(res.status).toBe(200)
      const mine = res.body.data.filter((s: { hash: string }) => s.hash === first || s.hash === second)
      expect(mine).toEqual([
        { hash: first, name: first, date_created: NOW },
        { hash: second, name: second, date_created: NOW },
      ])
    })
  })

  describe('tokens', () => {
    it('creates an API account whose token works on the API at once, within its scopes', async () => {
      const hash = await createStore()
      const clientId = `c${uniqueHash()}`
      const res = await admin(t, 'POST', `/stores/${hash}/tokens`, { scopes: [SCOPES.customersRead], client_id: clientId, name: 'Reporting' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: {
          client_id: clientId,
          store_hash: hash,
          name: 'Reporting',
          scopes: [SCOPES.customersRead],
          date_created: NOW,
          access_token: expect.stringMatching(KEY),
          // what its webhook deliveries are signed with, shown this once as the token is
          client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
        },
      })
      const token = res.body.data.access_token as string
      const read = await send(t.app, 'GET', `/stores/${hash}/v3/customers`, undefined, { 'x-auth-token': token })
      expect(read.status).toBe(200)
      const write = await send(t.app, 'POST', `/stores/${hash}/v3/customers`, [newCustomer()], { 'x-auth-token': token })
      expect(write.status).toBe(403)
    })

    it('gives an account without a client id a generated one, which is also its name', async () => {
      const hash = await createStore()
      const res = await admin(t, 'POST', `/stores/${hash}/tokens`, { scopes: [SCOPES.customers] })
      expect(res.status).toBe(200)
      expect(res.body.data.client_id).toMatch(KEY)
      expect(res.body.data.name).toBe(res.body.data.client_id)
      expect(res.body.data.access_token).not.toBe(res.body.data.client_id)
    })

    it('answers 422 to an unknown scope and creates no account', async () => {
      const hash = await createStore()
      const res = await admin(t, 'POST', `/stores/${hash}/tokens`, { scopes: [SCOPES.customers, 'store_everything'] })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, `unknown scope(s): store_everything; known: ${ALL_SCOPES.join(', ')}`))
      expect(await tokensOf(hash)).toEqual([])
    })

    it('answers 422 to an empty scope list and creates no account', async () => {
      const hash = await createStore()
      const res = await admin(t, 'POST', `/stores/${hash}/tokens`, { scopes: [] })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { scopes: 'must contain at least 1 item' }))
      expect(await tokensOf(hash)).toEqual([])
    })

    it('answers 409 to a client id that is taken and creates no account', async () => {
      const hash = await createStore()
      const clientId = `c${uniqueHash()}`
      expect((await admin(t, 'POST', `/stores/${hash}/tokens`, { scopes: [SCOPES.customers], client_id: clientId })).status).toBe(200)
      const before = await tokensOf(hash)
      const res = await admin(t, 'POST', `/stores/${hash}/tokens`, { scopes: [SCOPES.customersRead], client_id: clientId })
      expect(res.status).toBe(409)
      expect(res.body).toEqual(errorBody(409, `client id "${clientId}" is taken`))
      expect(await tokensOf(hash)).toEqual(before)
    })

    it('answers 404 to a token for a store that does not exist', async () => {
      const hash = uniqueHash()
      const res = await admin(t, 'POST', `/stores/${hash}/tokens`, { scopes: [SCOPES.customers] })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, `no store "${hash}"`))
    })

    it("lists a store's accounts without their tokens or token hashes", async () => {
      const store = await t.newStore()
      const clientId = `c${uniqueHash()}`
      const created = await admin(t, 'POST', `/stores/${store.hash}/tokens`, { scopes: [SCOPES.carts], client_id: clientId })
      const token = created.body.data.access_token as string
      const res = await admin(t, 'GET', `/stores/${store.hash}/tokens`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        data: [
          { client_id: store.clientId, store_hash: store.hash, name: store.clientId, scopes: [...ALL_SCOPES], date_created: expect.any(String) },
          { client_id: clientId, store_hash: store.hash, name: clientId, scopes: [SCOPES.carts], date_created: NOW },
        ],
      })
      for (const secret of [store.token, token, hashToken(store.token), hashToken(token)]) expect(res.text).not.toContain(secret)
    })

    it('answers 404 to the accounts of a store that does not exist', async () => {
      const hash = uniqueHash()
      const res = await admin(t, 'GET', `/stores/${hash}/tokens`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, `no store "${hash}"`))
    })

    it('revokes an account: its token gets 401, the other accounts keep working', async () => {
      const store = await t.newStore()
      const clientId = `c${uniqueHash()}`
      const token = await store.tokenWith([SCOPES.customers], clientId)
      const res = await admin(t, 'DELETE', `/tokens/${clientId}`)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      const revoked = await store.request('GET', '/customers', undefined, { token })
      expect(revoked.status).toBe(401)
      expect(revoked.body).toEqual(UNAUTHORIZED)
      expect((await store.request('GET', '/customers')).status).toBe(200)
    })

    it('answers 404 to revoking an account that does not exist', async () => {
      const res = await admin(t, 'DELETE', '/tokens/nosuchclient')
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, 'no API account with client id "nosuchclient"'))
    })
  })

  describe('reset and delete', () => {
    it("resets a store: its customers are gone, ids restart at 1, its accounts still work, other stores keep theirs", async () => {
      const store = await t.newStore()
      const other = await t.newStore()
      expect((await store.request('POST', '/customers', [newCustomer(), newCustomer()])).status).toBe(200)
      const kept = await other.request('POST', '/customers', [newCustomer()])
      expect(kept.status).toBe(200)

      const res = await admin(t, 'POST', `/stores/${store.hash}/reset`)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')

      expect((await store.request('GET', '/customers')).body.data).toEqual([])
      const fresh = await store.request('POST', '/customers', [newCustomer()])
      expect(fresh.status).toBe(200)
      expect(fresh.body.data.map((c: { id: number }) => c.id)).toEqual([1])
      expect((await other.request('GET', '/customers')).body.data.map((c: { id: number }) => c.id)).toEqual([kept.body.data[0].id])
    })

    it('answers 404 to resetting a store that does not exist', async () => {
      const hash = uniqueHash()
      const res = await admin(t, 'POST', `/stores/${hash}/reset`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, `no store "${hash}"`))
    })

    it('deletes a store: its token gets 401, another store is untouched', async () => {
      const store = await t.newStore()
      const other = await t.newStore()
      expect((await store.request('POST', '/customers', [newCustomer()])).status).toBe(200)
      const kept = await other.request('POST', '/customers', [newCustomer()])
      expect(kept.status).toBe(200)
      const before = (await other.request('GET', '/customers')).body

      const res = await admin(t, 'DELETE', `/stores/${store.hash}`)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')

      const gone = await store.request('GET', '/customers')
      expect(gone.status).toBe(401)
      expect(gone.body).toEqual(UNAUTHORIZED)
      expect(await storeHashes()).not.toContain(store.hash)
      expect((await other.request('GET', '/customers')).body).toEqual(before)
    })

    it('answers 404 to deleting a store that does not exist', async () => {
      const hash = uniqueHash()
      const res = await admin(t, 'DELETE', `/stores/${hash}`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, `no store "${hash}"`))
    })
  })
})
