import fc from 'fast-check'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../../src/core/scopes.js'
import { STORE_DATA_TABLES, type Database } from '../../src/db/schema.js'
import { resetStore } from '../../src/stores/service.js'
import { BACKENDS, type Backend } from '../helpers/backends.js'
import { buildTestApp, type TestApp, type TestStore } from '../helpers/app.js'
import { isEnvelope, isObject } from './envelope.js'
import { fuzzRequest, type FuzzRequest } from './fuzz-requests.js'
import { closingLine } from './report.js'
import { apiRoutes, fillPath, routeName, type ApiRoute } from './routes.js'
import { seedStore } from './seed.js'

// Fuzz: fast-check drives every registered API route with arbitrary query strings, headers and
// bodies, through `inject`. Whatever arrives: no 5xx; every error is BigCommerce's envelope with
// the response's own status; a request that is refused writes nothing (the store's rows are
// compared before and after it), and nothing ever reaches the store next door. Seeded:
// FUZZ_SEED=<n> repeats a run exactly; FUZZ_REQUESTS sets the total, shared by the backends.

const SEED = Number(process.env.FUZZ_SEED ?? 20261123)
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 100_000)
/** requests per fast-check run: a failing run shrinks to the few requests that matter */
const RUN_LENGTH = 10
/** past this many customers the store is emptied and seeded again, keeping row comparisons cheap */
const MAX_CUSTOMERS = 150
const WRITES = new Set(['POST', 'PUT', 'DELETE', 'PATCH'])

/** Every row of the store's data, as text: two equal snapshots mean nothing was written. */
async function snapshot(db: Kysely<Database>, storeId: number): Promise<string> {
  const tables = await Promise.all(
    STORE_DATA_TABLES.map(async (table) => {
      const rows = await (db as Kysely<any>).selectFrom(table).selectAll().where('store_id', '=', storeId).execute()
      return `${table}:${rows.map((row) => JSON.stringify(row)).sort().join('\n')}`
    }),
  )
  return tables.join('\n--\n')
}

/**
 * A metafield batch's partial success (BEHAVIOUR 9.4): 422 with the items that succeeded in `data`,
 * one envelope per failed item in `errors`, and counts in `meta`. The only 4xx that may write.
 */
function isPartialSuccess(body: unknown, status: number): body is { meta: { success: number } } {
  if (status !== 422 || !isObject(body) || !Array.isArray(body.data) || !Array.isArray(body.errors) || !isObject(body.meta)) return false
  return body.errors.every((item) => isEnvelope(item, undefined)) && ['total', 'success', 'failed'].every((key) => typeof (body.meta as Record<string, unknown>)[key] === 'number')
}

// The backends run side by side: PostgreSQL's round trips leave the CPU to SQLite's run.
describe.concurrent.each(BACKENDS)('%s: fuzzing every API route', (backend: Backend) => {
  let t: TestApp
  let store: TestStore
  let neighbour: TestStore
  let storeId: number
  let neighbourId: number
  let routes: ApiRoute[]
  let existing: (param: string) => string
  let readOnly: string
  const requests = Math.ceil(TOTAL / BACKENDS.length)
  let passed = false
  const tally = { sent: 0, statuses: new Map<number, number>(), perRoute: new Map<string, number>(), refusedWrites: 0, resets: 0 }

  const idOf = async (hash: string) => (await t.db.selectFrom('stores').select('id').where('hash', '=', hash).executeTakeFirstOrThrow()).id

  beforeAll(async () => {
    t = await buildTestApp(backend)
    store = await t.newStore()
    neighbour = await t.newStore()
    storeId = await idOf(store.hash)
    neighbourId = await idOf(neighbour.hash)
    existing = await seedStore(store, 'fuzzed')
    await seedStore(neighbour, 'neighbour')
    readOnly = await store.tokenWith([SCOPES.customersRead, SCOPES.cartsRead, SCOPES.storedInstrumentsRead])
    routes = await apiRoutes(t.db)
  })
  afterAll(async () => {
    await t.close()
    if (!passed) return
    const statuses = [...tally.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}:${n}`).join(' ')
    closingLine(
      `fuzz (${backend}): ${tally.sent} requests over ${tally.perRoute.size} routes (seed ${SEED}); no 5xx, every error in the envelope, ` +
        `${tally.refusedWrites} refused writes changed nothing; statuses ${statuses}`,
    )
  })

  function token(request: FuzzRequest): string | null {
    switch (request.token) {
      case 'full':
        return store.token
      case 'read-only':
        return readOnly
      case 'none':
        return null
      case 'garbage':
        return 'garbage-token'
    }
  }

  async function sendOne(request: FuzzRequest) {
    const path = fillPath(request.route, (name) => {
      const choice = request.params[name]!
      return choice.kind === 'existing' ? existing(name) : choice.value
    })
    const t0 = token(request)
    const response = await t.app.inject({
      method: request.route.method as 'GET',
      url: `/stores/${store.hash}/v3${path}${request.query === '' ? '' : `?${request.query}`}`,
      headers: { ...request.headers, ...(t0 === null ? {} : { 'x-auth-token': t0 }) },
      ...(request.body === undefined ? {} : { payload: request.body }),
    })
    tally.sent++
    tally.statuses.set(response.statusCode, (tally.statuses.get(response.statusCode) ?? 0) + 1)
    tally.perRoute.set(routeName(request.route), (tally.perRoute.get(routeName(request.route)) ?? 0) + 1)
    return response
  }

  it(`answers ${requests.toLocaleString('en-US')} arbitrary requests without a 5xx, in the envelope, refused ones writing nothing`, async () => {
    let before = await snapshot(t.db, storeId)
    const neighbourBefore = await snapshot(t.db, neighbourId)

    const property = fc.asyncProperty(fc.array(fuzzRequest(routes), { minLength: RUN_LENGTH, maxLength: RUN_LENGTH }), async (run) => {
      for (const request of run) {
        const response = await sendOne(request)
        const what = `${request.route.method} ${response.statusCode}: ${JSON.stringify(request).slice(0, 600)}\n-> ${response.body.slice(0, 300)}`
        if (response.statusCode >= 500) throw new Error(`5xx for ${what}`)
        let partial = false
        if (response.statusCode >= 400 && request.route.method !== 'HEAD') {
          let body: unknown
          try {
            body = JSON.parse(response.body)
          } catch {
            body = response.body
          }
          partial = isPartialSuccess(body, response.statusCode)
          if (!partial && !isEnvelope(body, response.statusCode)) throw new Error(`not the error envelope: ${what}`)
          if (partial && (body as { meta: { success: number } }).meta.success === 0) partial = false
        }
        // A refused write, and every read since the last comparison, wrote nothing. (Rows are
        // compared after writes only: comparing after every read would double the run's time.)
        if (WRITES.has(request.route.method)) {
          const after = await snapshot(t.db, storeId)
          const accepted = response.statusCode < 400 || partial
          if (!accepted) {
            if (after !== before) throw new Error(`a refused request (or a read before it) wrote to the store: ${what}`)
            tally.refusedWrites++
          }
          before = after
        }
      }
      // Keep the store small so that comparing its rows stays cheap.
      const customers = await t.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('store_id', '=', storeId).executeTakeFirstOrThrow()
      if (Number(customers.n) > MAX_CUSTOMERS) {
        await resetStore(t.db, store.hash)
        existing = await seedStore(store, 'fuzzed')
        before = await snapshot(t.db, storeId)
        tally.resets++
      }
    })
    await fc.assert(property, { seed: SEED, numRuns: Math.ceil(requests / RUN_LENGTH) })

    expect(await snapshot(t.db, neighbourId)).toBe(neighbourBefore)
    expect([...tally.perRoute.keys()].sort()).toEqual(routes.map(routeName).sort())
    passed = true
  }, 30 * 60_000)
})
