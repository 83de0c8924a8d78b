import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../src/app.js'
import { openDatabase } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { analyzeStaleTables, keepStatisticsFresh, staleTables } from '../src/db/statistics.js'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { newCustomer, send } from './helpers/app.js'

// PostgreSQL only: `clientele serve` keeps table statistics fresh itself (src/db/statistics.ts),
// so the planner does not take a table just filled through the API for an empty one. In a schema
// of its own, so no other test's writes or ANALYZEs move its figures.

const url = process.env.TEST_DATABASE_URL

describe.runIf(url)('postgres: table statistics', () => {
  const schema = `stats_${randomUUID().replace(/-/g, '').slice(0, 10)}`
  let db: Kysely<Database>
  let app: App
  let token: string

  beforeAll(async () => {
    const admin = openDatabase(url!).db
    await sql`create schema ${sql.id(schema)}`.execute(admin)
    await admin.destroy()
    db = openDatabase(url!, { schema, poolSize: 2 }).db
    await migrateToLatest(db, schema)
    app = buildApp({ db })
    await app.ready()
    await createStore(db, 'stats')
    token = (await createAccount(db, { storeHash: 'stats', scopes: ALL_SCOPES })).access_token
  })
  afterAll(async () => {
    await app.close()
    await sql`drop schema ${sql.id(schema)} cascade`.execute(db)
    await db.destroy()
  })

  /** PostgreSQL publishes a backend's counts of changed rows within about a second. */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; ; i++) {
      const value = await read()
      if (done(value) || i === 50) return value
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  const reltuples = async () =>
    Number((await sql<{ n: number }>`select reltuples as n from pg_class where oid = 'customers'::regclass`.execute(db)).rows[0]!.n)

  it('finds the customers table stale after writes through the API, and ANALYZE makes it fresh', async () => {
    for (let i = 0; i < 30; i++) {
      const res = await send(app, 'POST', '/stores/stats/v3/customers', Array.from({ length: 10 }, () => newCustomer()), { 'x-auth-token': token })
      expect(res.status).toBe(200)
    }
    expect(await eventually(() => staleTables(db), (tables) => tables.includes('customers'))).toContain('customers')
    expect(await reltuples()).toBeLessThanOrEqual(0)
    expect(await analyzeStaleTables(db)).toContain('customers')
    expect(await reltuples()).toBe(300)
    expect(await staleTables(db)).not.toContain('customers')
    // The page query now seeks the primary key instead of sorting the store.
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from customers where store_id = 1 order by id limit 50`.execute(db)
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).not.toMatch(/Sort/)
  })

  it('a keeper checks at once and again after its interval, and stops', async () => {
    for (let i = 0; i < 10; i++) {
      await send(app, 'POST', '/stores/stats/v3/customers', Array.from({ length: 10 }, () => newCustomer()), { 'x-auth-token': token })
    }
    // 100 changes on 300 rows: over 50 + 10% of them.
    await eventually(() => staleTables(db), (tables) => tables.includes('customers'))
    const errors: unknown[] = []
    const keeper = keepStatisticsFresh(db, (error) => errors.push(error), 200)
    expect(await eventually(reltuples, (n) => n === 400)).toBe(400)
    await keeper.stop()
    expect(errors).toEqual([])
  })
})
