import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { createCustomer } from './helpers/customers.js'
import { account, createMetafield, customersAccount, newMetafield, randomCartId } from './helpers/metafields.js'

// Who sees and changes whose metafields (DECISIONS 13, 19). The matrix: a metafield created by
// account A, in each of the five permission sets, and each of five operations tried by A (its
// owner), by B (another account of the store) and by W (another account holding
// store_metafield_write_all). Then: an account of another store sees none of them.

const SETS = ['app_only', 'read', 'write', 'read_and_sf_access', 'write_and_sf_access'] as const
type PermissionSet = (typeof SETS)[number]
const OPERATIONS = ['read', 'list', 'update value', 'update key', 'delete'] as const
type Operation = (typeof OPERATIONS)[number]
type Who = 'owner' | 'other' | 'write_all'
/** allowed; hidden: 404 by id, absent from lists; refused: 403 */
type Outcome = 'allowed' | 'hidden' | 'refused'

function expected(who: Who, set: PermissionSet, operation: Operation): Outcome {
  if (who !== 'other') return 'allowed'
  if (set === 'app_only') return 'hidden'
  if (operation === 'read' || operation === 'list') return 'allowed'
  if (operation === 'update value' && (set === 'write' || set === 'write_and_sf_access')) return 'allowed'
  return 'refused'
}

const CASES = (['owner', 'other', 'write_all'] as const).flatMap((who) =>
  SETS.flatMap((set) => OPERATIONS.map((operation) => ({ who, set, operation, outcome: expected(who, set, operation) }))),
)

const NOT_FOUND = errorBody(404, 'The resource at that URL is not found.')
const NOT_OWNED = 'The metafield belongs to another API account.'
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")

/** The 403 a refused operation answers, by what it tried. */
function refusal(set: PermissionSet, operation: Operation) {
  if (operation === 'delete') return errorBody(403, NOT_OWNED, { id: 'only the API account that created this metafield may delete it' })
  if (set === 'read' || set === 'read_and_sf_access') {
    return errorBody(403, NOT_OWNED, { permission_set: `"${set}" lets other API accounts read this metafield, not change it` })
  }
  return errorBody(403, NOT_OWNED, { key: 'only the API account that created this metafield may change its key' })
}

describe.each(BACKENDS)('%s: metafield permissions', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    // A fixed clock: an allowed update's date_modified must equal the created one's, whatever
    // second the update lands in.
    t.clock.set('2024-05-01T10:00:00Z')
  })
  afterAll(() => t.close())

  describe('the matrix: owner, other account and write_all account x five permission sets x five operations', () => {
    it.each(CASES)('$who, $set metafield, $operation: $outcome', async ({ who, set, operation, outcome }) => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const owner = await customersAccount(store, 'app-a')
      const tokens: Record<Who, string> = {
        owner: owner.token,
        other: (await customersAccount(store, 'app-b')).token,
        write_all: (await customersAccount(store, 'app-w', SCOPES.metafieldsWriteAll)).token,
      }
      const path = `/customers/${customer}/metafields`
      const created = await createMetafield(store, path, newMetafield({ permission_set: set }), owner.token)
      const token = tokens[who]
      /** the metafield as its owner reads it afterwards, or undefined when it is gone */
      const afterwards = async () => {
        const res = await store.request('GET', `${path}/${created.id}`, undefined, { token: owner.token })
        return res.status === 404 ? undefined : res.body.data
      }

      switch (operation) {
        case 'read': {
          const res = await store.request('GET', `${path}/${created.id}`, undefined, { token })
          if (outcome === 'allowed') {
            expect(res.status).toBe(200)
            expect(res.body).toEqual({ data: created, meta: {} })
          } else {
            expect(res.status).toBe(404)
            expect(res.body).toEqual(NOT_FOUND)
          }
          break
        }
        case 'list': {
          const visible = outcome === 'allowed' ? [created] : []
          const one = await store.request('GET', path, undefined, { token })
          expect(one.status).toBe(200)
          expect(one.body.data).toEqual(visible)
          expect(one.body.meta.pagination.total).toBe(visible.length)
          const all = await store.request('GET', '/customers/metafields', undefined, { token })
          expect(all.body.data).toEqual(visible)
          break
        }
        case 'update value':
        case 'update key': {
          const change = operation === 'update value' ? { value: 'changed' } : { key: 'renamed' }
          const res = await store.request('PUT', `${path}/${created.id}`, change, { token })
          if (outcome === 'allowed') {
            expect(res.status).toBe(200)
            expect(res.body).toEqual({ data: { ...created, ...change }, meta: {} })
            expect(await afterwards()).toEqual({ ...created, ...change })
          } else {
            expect(res.status).toBe(outcome === 'hidden' ? 404 : 403)
            expect(res.body).toEqual(outcome === 'hidden' ? NOT_FOUND : refusal(set, operation))
            expect(await afterwards()).toEqual(created)
          }
          break
        }
        case 'delete': {
          const res = await store.request('DELETE', `${path}/${created.id}`, undefined, { token })
          if (outcome === 'allowed') {
            expect(res.status).toBe(204)
            expect(await afterwards()).toBeUndefined()
          } else {
            expect(res.status).toBe(outcome === 'hidden' ? 404 : 403)
            expect(res.body).toEqual(outcome === 'hidden' ? NOT_FOUND : refusal(set, operation))
            expect(await afterwards()).toEqual(created)
          }
          break
        }
      }
    })
  })

  describe('finer points', () => {
    it('lets another account send namespace, key and permission_set unchanged with a new value (a GET-edit-PUT round trip)', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'write' }))
      const other = await customersAccount(store, 'app-b')
      const { id: _, ...editable } = created
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, { ...editable, value: 'edited' }, { token: other.token })
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual({ ...created, value: 'edited' })
    })

    it("refuses another account's change of permission_set on a write metafield with 403", async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'write' }))
      const other = await customersAccount(store, 'app-b')
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, { permission_set: 'app_only' }, { token: other.token })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(errorBody(403, NOT_OWNED, { permission_set: 'only the API account that created this metafield may change its permission_set' }))
    })

    it("keeps the owner when a write_all account changes another account's metafield", async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const owner = await customersAccount(store, 'app-a')
      const writeAll = await customersAccount(store, 'app-w', SCOPES.metafieldsWriteAll)
      const created = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield(), owner.token)
      const res = await store.request('PUT', `/customers/${customer}/metafields/${created.id}`, { permission_set: 'read' }, { token: writeAll.token })
      expect(res.status).toBe(200)
      expect(res.body.data.owner_client_id).toBe(owner.clientId)
    })

    it('makes a write_all account the owner of what it creates', async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const writeAll = await customersAccount(store, 'app-w', SCOPES.metafieldsWriteAll)
      const created = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield(), writeAll.token)
      expect(created.owner_client_id).toBe(writeAll.clientId)
    })

    it("lets a read-only customers account with write_all read others' app_only metafields, and nothing more", async () => {
      const store = await t.newStore()
      const customer = await createCustomer(store)
      const created = await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: 'app_only' }))
      const reader = await account(store, 'app-r', [SCOPES.customersRead, SCOPES.metafieldsWriteAll])
      const read = await store.request('GET', `/customers/${customer}/metafields/${created.id}`, undefined, { token: reader.token })
      expect(read.body).toEqual({ data: created, meta: {} })
      const write = await store.request('DELETE', `/customers/${customer}/metafields/${created.id}`, undefined, { token: reader.token })
      expect(write.status).toBe(403)
      expect(write.body).toEqual(MISSING_SCOPE)
    })

    it('applies the same rules to cart metafields: app_only hidden from others, shown to write_all', async () => {
      const store = await t.newStore()
      const cart = randomCartId()
      const owner = await account(store, 'cart-a', [SCOPES.carts])
      const other = await account(store, 'cart-b', [SCOPES.carts])
      const writeAll = await account(store, 'cart-w', [SCOPES.carts, SCOPES.metafieldsWriteAll])
      const hidden = await createMetafield(store, `/carts/${cart}/metafields`, newMetafield({ permission_set: 'app_only' }), owner.token)
      const shown = await createMetafield(store, `/carts/${cart}/metafields`, newMetafield({ permission_set: 'read' }), owner.token)
      expect((await store.request('GET', `/carts/${cart}/metafields`, undefined, { token: other.token })).body.data).toEqual([shown])
      expect((await store.request('GET', `/carts/${cart}/metafields/${hidden.id}`, undefined, { token: other.token })).status).toBe(404)
      const update = await store.request('PUT', `/carts/${cart}/metafields/${shown.id}`, { value: 'x' }, { token: other.token })
      expect(update.status).toBe(403)
      expect((await store.request('GET', '/carts/metafields', undefined, { token: writeAll.token })).body.data).toEqual([hidden, shown])
    })
  })

  describe("another store's account", () => {
    /** A store with one customer holding a metafield in each permission set, and a store whose customer has the same id. */
    async function twoStores(): Promise<{ store: TestStore; other: TestStore; customer: number; created: Record<string, any>[] }> {
      const store = await t.newStore()
      const other = await t.newStore()
      const customer = await createCustomer(store)
      expect(await createCustomer(other)).toBe(customer)
      const created = []
      for (const set of SETS) created.push(await createMetafield(store, `/customers/${customer}/metafields`, newMetafield({ permission_set: set })))
      return { store, other, customer, created }
    }

    it('lists none of them, for the customer with the same id or store-wide, even holding write_all', async () => {
      const { other, customer } = await twoStores()
      const one = await other.request('GET', `/customers/${customer}/metafields`)
      expect(one.status).toBe(200)
      expect(one.body.data).toEqual([])
      expect((await other.request('GET', '/customers/metafields')).body.data).toEqual([])
    })

    it('gets 404 for each of them by id, on read, update and delete, and changes nothing', async () => {
      const { store, other, customer, created } = await twoStores()
      for (const metafield of created) {
        const path = `/customers/${customer}/metafields/${metafield.id}`
        for (const [method, body] of [['GET', undefined], ['PUT', { value: 'x' }], ['DELETE', undefined]] as const) {
          const res = await other.request(method, path, body)
          expect(res.status).toBe(404)
          expect(res.body).toEqual(NOT_FOUND)
        }
      }
      expect((await store.request('GET', `/customers/${customer}/metafields`)).body.data).toEqual(created)
    })

    it("is refused with 403 on this store's URLs", async () => {
      const { store, other, customer } = await twoStores()
      const res = await store.request('GET', `/customers/${customer}/metafields`, undefined, { token: other.token })
      expect(res.status).toBe(403)
      expect(res.body).toEqual(MISSING_SCOPE)
    })
  })
})
