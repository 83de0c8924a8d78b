import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql, type Kysely } from 'kysely'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { openDatabase } from '../src/db/connect.js'
import { readCounter } from '../src/db/counters.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { createCustomers } from '../src/resources/customers/service.js'
import { createAccount, createStore } from '../src/stores/service.js'
import type { Backend, BenchConfig } from './config.js'
import { seedCustomers } from './fake-customers.js'

// A fresh database holding one store of seeded customers and an API token for it. Customers go
// in through the service layer (createCustomers, in large batches), so every column and both
// store counters are exactly what the API itself would have written.

export const STORE_HASH = 'bench'
const BATCH = 1_000
/** seeded creation dates spread over this many days before now, oldest first */
const HISTORY_DAYS = 730

export interface SeededStore {
  backend: Backend
  /** what the server child gets as DATABASE_URL (and DATABASE_SCHEMA) */
  databaseUrl: string
  schema?: string
  storeHash: string
  token: string
  customers: number
  filterCompany: { name: string; customers: number }
  /** seconds spent making the fake data */
  generateSeconds: number
  /** seconds spent writing it (createCustomers batches), the seeding time reported */
  insertSeconds: number
}

function open(backend: Backend, config: BenchConfig, tempDir: string) {
  if (backend === 'sqlite') {
    const databaseUrl = join(tempDir, 'clientele-bench.db')
    return { databaseUrl, handle: openDatabase(databaseUrl) }
  }
  const databaseUrl = config.postgresUrl!
  return { databaseUrl, schema: config.postgresSchema, handle: openDatabase(databaseUrl, { schema: config.postgresSchema, poolSize: 2 }) }
}

/** The run owns its schema: anything a previous run left there goes. */
async function resetSchema(db: Kysely<Database>, schema: string): Promise<void> {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
  await sql`create schema ${sql.id(schema)}`.execute(db)
}

export async function seedStore(backend: Backend, config: BenchConfig, tempDir: string): Promise<SeededStore> {
  const { databaseUrl, schema, handle } = open(backend, config, tempDir)
  const { db } = handle
  try {
    if (schema) await resetSchema(db, schema)
    await migrateToLatest(db, handle.schema)
    await createStore(db, STORE_HASH, 'Benchmark store')
    const account = await createAccount(db, { storeHash: STORE_HASH, scopes: ALL_SCOPES, name: 'Benchmark' })
    const { id: storeId } = await db.selectFrom('stores').select('id').where('hash', '=', STORE_HASH).executeTakeFirstOrThrow()

    let started = performance.now()
    const data = seedCustomers(config.customers)
    const generateSeconds = (performance.now() - started) / 1000

    started = performance.now()
    const batches = Math.ceil(data.customers.length / BATCH)
    const oldest = Date.now() - HISTORY_DAYS * 86_400_000
    for (let b = 0; b < batches; b++) {
      const createdAt = new Date(oldest + (b / batches) * HISTORY_DAYS * 86_400_000)
      await createCustomers(db, createdAt, storeId, data.customers.slice(b * BATCH, (b + 1) * BATCH))
    }
    const insertSeconds = (performance.now() - started) / 1000

    await checkCounters(db, storeId, data.customers.length)
    // PostgreSQL's autovacuum analyses a freshly loaded table within a minute or so; a server in
    // steady state plans with statistics, so the benchmark does too. (SQLite: the server never
    // runs ANALYZE, so neither does this.)
    if (backend === 'postgres') await sql`analyze customers`.execute(db)

    return {
      backend,
      databaseUrl,
      ...(schema ? { schema } : {}),
      storeHash: STORE_HASH,
      token: account.access_token,
      customers: data.customers.length,
      filterCompany: data.filterCompany,
      generateSeconds,
      insertSeconds,
    }
  } finally {
    await db.destroy()
  }
}

async function checkCounters(db: Kysely<Database>, storeId: number, expected: number): Promise<void> {
  const lastId = await readCounter(db, storeId, 'customers.last_id')
  const count = await readCounter(db, storeId, 'customers.count')
  const row = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('store_id', '=', storeId).executeTakeFirstOrThrow()
  if (lastId !== expected || count !== expected || Number(row.n) !== expected) {
    throw new Error(`seeding left last_id=${lastId}, count=${count}, rows=${row.n}; expected ${expected} of each`)
  }
}
