import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { MemoryCounterStore } from '../src/core/counter-store.js'
import { openDatabase } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { buildTestApp, send, type TestApp } from './helpers/app.js'
import { processDatabase, type ProcessDatabase } from './helpers/process.js'

// The probes and metrics of a node: /healthz (the process answers), /readyz (the database
// answers, its migrations are current, the limit counters answer) and /metrics (Prometheus).

const READY = { status: 'ready', checks: { database: 'ok', migrations: 'ok', counters: 'ok' } }
const CUSTOMERS_ROUTE = '/stores/:store_hash/v3/customers'

/** Prometheus text -> the value of one sample line, by its exact name and labels. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

class UnreachableCounters extends MemoryCounterStore {
  override async ping(): Promise<void> {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6379')
  }
}

describe.each(BACKENDS)('%s: /healthz and /readyz', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('answers /healthz 200 with status ok, without a token', async () => {
    const res = await send(t.app, 'GET', '/healthz')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok' })
  })

  it('answers /readyz 200 when the database answers, migrations are current and the counters answer', async () => {
    const res = await send(t.app, 'GET', '/readyz')
    expect(res.status).toBe(200)
    expect(res.body).toEqual(READY)
  })

  it('answers /readyz 503 while migrations are pending, and 200 once they have run', async () => {
    const database: ProcessDatabase = await processDatabase(backend)
    const db = database.connect()
    const app = buildApp({ db, ...(database.schema ? { databaseSchema: database.schema } : {}) })
    try {
      const pending = await send(app, 'GET', '/readyz')
      expect(pending.status).toBe(503)
      expect(pending.body).toEqual({
        status: 'not ready',
        checks: { database: 'ok', migrations: 'pending: run `clientele migrate`', counters: 'ok' },
      })
      await migrateToLatest(db, database.schema)
      const ready = await send(app, 'GET', '/readyz')
      expect(ready.status).toBe(200)
      expect(ready.body).toEqual(READY)
    } finally {
      await app.close()
      await database.remove()
    }
  })

  it('answers /readyz 503 when the database does not answer', async () => {
    const database = await processDatabase(backend)
    const db = await database.open()
    const app = buildApp({ db, ...(database.schema ? { databaseSchema: database.schema } : {}) })
    try {
      await db.destroy()
      const res = await send(app, 'GET', '/readyz')
      expect(res.status).toBe(503)
      expect(res.body.status).toBe('not ready')
      expect(res.body.checks.database).toMatch(/^failed: /)
      expect(res.body.checks.migrations).toBe('unknown (database unavailable)')
      expect(res.body.checks.counters).toBe('ok')
    } finally {
      await app.close()
      await database.remove()
    }
  })

  it('stays ready (200) but reports limit counters that do not answer: limits are then let through, not enforced', async () => {
    const node = await buildTestApp(backend, { db: t.db, app: { counters: new UnreachableCounters() } })
    try {
      const res = await send(node.app, 'GET', '/readyz')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', counters: 'failed: connect ECONNREFUSED 127.0.0.1:6379' },
      })
    } finally {
      await node.close()
    }
  })

  it('keeps the probes out of /openapi.json', async () => {
    const res = await send(t.app, 'GET', '/openapi.json')
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(res.body.paths[path]).toBeUndefined()
  })
})

describe.each(BACKENDS)('%s: /metrics', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** A node of its own (on the shared database), so the counts start at zero. */
  async function freshNode(options: Parameters<typeof buildTestApp>[1] = {}): Promise<TestApp> {
    return buildTestApp(backend, { ...options, db: t.db })
  }

  it('counts requests by method, route pattern and status, in the Prometheus text format', async () => {
    const node = await freshNode()
    try {
      const store = await node.newStore()
      await store.request('GET', '/customers')
      await store.request('GET', '/customers')
      await store.request('GET', '/customers', undefined, { token: null })
      await send(node.app, 'GET', '/no-such-route')

      const res = await node.app.inject({ method: 'GET', url: '/metrics' })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = res.body
      expect(sample(text, `clientele_http_requests_total{method="GET",route="${CUSTOMERS_ROUTE}",status="200"}`)).toBe(2)
      expect(sample(text, `clientele_http_requests_total{method="GET",route="${CUSTOMERS_ROUTE}",status="401"}`)).toBe(1)
      expect(sample(text, 'clientele_http_requests_total{method="GET",route="(unmatched)",status="404"}')).toBe(1)
      // The store hash in the URL is not a label: one series per route, however many stores.
      expect(text).not.toContain(store.hash)
    } finally {
      await node.close()
    }
  })

  it('records each request in the latency histogram of its route', async () => {
    const node = await freshNode()
    try {
      const store = await node.newStore()
      for (let i = 0; i < 3; i++) await store.request('GET', '/customers')
      const text = (await node.app.inject({ method: 'GET', url: '/metrics' })).body
      const labels = `method="GET",route="${CUSTOMERS_ROUTE}"`
      expect(sample(text, `clientele_http_request_duration_seconds_count{${labels}}`)).toBe(3)
      expect(sample(text, `clientele_http_request_duration_seconds_bucket{le="+Inf",${labels}}`)).toBe(3)
      expect(sample(text, `clientele_http_request_duration_seconds_sum{${labels}}`)).toBeGreaterThan(0)
    } finally {
      await node.close()
    }
  })

  if (backend === 'postgres') it('reports the PostgreSQL pool: its size and its connections by state', async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    // test/helpers/backends.ts opens PostgreSQL with a pool of 4.
    expect(sample(text, 'clientele_db_pool_connections{state="max"}')).toBe(4)
    expect(sample(text, 'clientele_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'clientele_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0)
    expect(sample(text, 'clientele_db_pool_connections{state="waiting"}')).toBe(0)
  })

  if (backend === 'sqlite') it('reports no pool on SQLite, which has a single connection', async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(text).not.toContain('clientele_db_pool_connections{')
  })

  it('adds the Node process metrics only when asked (the server asks)', async () => {
    const plain = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(plain).not.toContain('process_cpu_user_seconds_total')
    const node = await freshNode({ app: { processMetrics: true } })
    try {
      const text = (await node.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(text).toContain('process_cpu_user_seconds_total')
      expect(text).toContain('nodejs_eventloop_lag_seconds')
    } finally {
      await node.close()
    }
  })
})

// A node opened on a database with no tables at all, as `serve` sees one with MIGRATE_ON_START=false.
describe('readiness of a node before `clientele migrate`', () => {
  it('reports migrations pending on an empty SQLite database', async () => {
    const { db } = openDatabase(':memory:')
    const app = buildApp({ db, closeDatabase: true })
    try {
      const res = await send(app, 'GET', '/readyz')
      expect(res.status).toBe(503)
      expect(res.body.checks.migrations).toBe('pending: run `clientele migrate`')
    } finally {
      await app.close()
    }
  })
})
