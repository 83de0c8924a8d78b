import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../../src/core/scopes.js'
import { BACKENDS, type Backend } from '../helpers/backends.js'
import { buildTestApp, errorBody, send, type Response, type TestApp, type TestStore } from '../helpers/app.js'
import { apiRoutes, fillPath, routeName, type ApiRoute } from './routes.js'
import { closingLine } from './report.js'
import { seedStore } from './seed.js'

// The auth matrix: every registered API route x {no token, a bad token, another store's token, a
// read-only token, a full token}, on a store with data, beside another store whose data carries a
// marker. Each cell answers its documented status (COMPATIBILITY.md "Auth", BEHAVIOUR 12), and no
// body of any cell shows the other store's marker or hash.

const UNAUTHORIZED = errorBody(401, 'Unauthorized')
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")

/** Every read-only scope Clientele knows: what an app limited to reading holds. */
const READ_ONLY = [SCOPES.customersRead, SCOPES.cartsRead, SCOPES.storedInstrumentsRead]

/**
 * Routes a read-only token may call with another method than GET: validate-credentials reads
 * (it changes nothing), so customers' read-only scope admits it (BEHAVIOUR 12, inferred).
 */
const READ_ONLY_WRITES = [
  'POST /customers/validate-credentials',
  // Webhooks need no scope: any account manages its own hooks (COMPATIBILITY.md "Webhooks")
  'POST /hooks', 'PUT /hooks/admin', 'PUT /hooks/:webhook_id', 'DELETE /hooks/:webhook_id',
]

type Column = 'no token' | 'bad token' | "other store's token" | 'read-only token' | 'full token'
const COLUMNS: Column[] = ['no token', 'bad token', "other store's token", 'read-only token', 'full token']

/** A body the route's schema might take; its content does not matter to auth, which runs first. */
function bodyFor(route: ApiRoute): unknown {
  return route.method === 'POST' || route.method === 'PUT' ? [{ id: 1, email: 'matrix@example.com', first_name: 'M', last_name: 'X' }] : undefined
}

describe.each(BACKENDS)('%s: auth matrix', (backend: Backend) => {
  let t: TestApp
  let store: TestStore
  let other: TestStore
  let routes: ApiRoute[]
  let param: (name: string) => string
  let readOnly: string
  const marker = `othermarker${Math.random().toString(36).slice(2, 10)}`
  let cells = 0

  beforeAll(async () => {
    t = await buildTestApp(backend)
    store = await t.newStore()
    other = await t.newStore()
    param = await seedStore(store, 'matrixstore')
    await seedStore(other, marker)
    readOnly = await store.tokenWith(READ_ONLY)
    routes = await apiRoutes(t.db)
  })
  afterAll(async () => {
    await t.close()
    closingLine(`auth matrix (${backend}): ${routes.length} routes x ${COLUMNS.length} tokens = ${cells} cells, each the documented status, no other store's data in any body`)
  })

  function token(column: Column): string | null {
    switch (column) {
      case 'no token':
        return null
      case 'bad token':
        return 'not-a-token-of-anyone'
      case "other store's token":
        return other.token
      case 'read-only token':
        return readOnly
      case 'full token':
        return store.token
    }
  }

  function expectedFor(route: ApiRoute, column: Column): 'admitted' | Response['body'] {
    if (column === 'no token' || column === 'bad token') return UNAUTHORIZED
    if (column === "other store's token") return MISSING_SCOPE
    if (column === 'full token') return 'admitted'
    return route.scopes.some((scope) => READ_ONLY.includes(scope as (typeof READ_ONLY)[number])) ? 'admitted' : MISSING_SCOPE
  }

  it('finds the API routes to test, read-only scopes admitting only reads', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20)
    const readOnlyWrites = routes
      .filter((route) => !['GET', 'HEAD'].includes(route.method) && route.scopes.some((scope) => READ_ONLY.includes(scope as (typeof READ_ONLY)[number])))
      .map(routeName)
    expect(readOnlyWrites.filter((name) => !READ_ONLY_WRITES.includes(name))).toEqual([])
  })

  it('answers every route x token cell with its documented status and nothing of the other store', async () => {
    const failures: string[] = []
    for (const route of routes) {
      for (const column of COLUMNS) {
        const res = await store.request(route.method, fillPath(route, param), bodyFor(route), { token: token(column) })
        cells++
        const expected = expectedFor(route, column)
        const cell = `${routeName(route)} with ${column}: ${res.status} ${res.text.slice(0, 200)}`
        if (expected === 'admitted') {
          if (res.status === 401 || res.status === 403 || res.status >= 500) failures.push(`${cell} (expected to be let through)`)
        } else if (res.status !== expected.status || (route.method !== 'HEAD' && JSON.stringify(res.body) !== JSON.stringify(expected))) {
          failures.push(`${cell} (expected ${expected.status} ${expected.title})`)
        }
        if (res.text.includes(marker) || res.text.includes(other.hash)) failures.push(`${cell} (shows the other store's data)`)
      }
    }
    expect(failures).toEqual([])
  })

  it("shows the other store's data to its own token (the marker is findable)", async () => {
    const res = await other.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(res.text).toContain(marker)
  })
})
