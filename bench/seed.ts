import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql, type Kysely } from 'kysely'
import { formatTimestamp } from '../src/core/dates.js'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { openDatabase } from '../src/db/connect.js'
import { readCounter } from '../src/db/counters.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { createAttributes } from '../src/resources/attributes/service.js'
import { createCustomers } from '../src/resources/customers/service.js'
import { CUSTOMER_METAFIELDS } from '../src/resources/metafields/resources.js'
import { createMetafields } from '../src/resources/metafields/service.js'
import { createAccount, createStore } from '../src/stores/service.js'
import type { Backend, BenchConfig } from './config.js'
import { seedCustomers } from './fake-customers.js'
import { addSubresources, LOGIN_CUSTOMERS, LOGIN_PASSWORD, SEED_ATTRIBUTES, seedMetafields } from './fake-subresources.js'

// A fresh database holding one store of seeded customers and an API token for it. Customers go
// in through the service layer (createCustomers, in large batches) with their addresses and
// attribute values nested, as POST /customers takes them, and metafields through the batch
// create, so every column, count and store counter is exactly what the API itself would have
// written.

export const STORE_HASH = 'bench'
const BATCH = 1_000
/** metafields per createMetafields call while seeding (the API takes 50; the service has no cap) */
const METAFIELD_BATCH = 2_000
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
  /** the name:like GET's term (the most common last name) and how many customers match it */
  filterName: { term: string; customers: number }
  /** the date_created:min GET's bound (the middle batch's creation time) and how many customers match it */
  filterDate: { min: string; customers: number }
  /** rows written with the customers: addresses, attribute values, metafields */
  subresources: { addresses: number; attributeValues: number; metafields: number }
  /** customers validate-credentials logs in as (ids 1..emails.length), and their password */
  logins: { emails: string[]; password: string }
  /** seconds spent making the fake data */
  generateSeconds: number
  /** seconds spent writing customers with their addresses and attribute values (createCustomers batches), the seeding time reported */
  insertSeconds: number
  /** seconds spent writing metafields (createMetafields batches) */
  metafieldSeconds: number
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
    const attributes = await createAttributes(db, new Date(Date.now() - HISTORY_DAYS * 86_400_000), storeId, SEED_ATTRIBUTES)

    let started = performance.now()
    const data = seedCustomers(config.customers)
    addSubresources(data.customers, attributes.map((a) => a.id), config.subresourceCustomers)
    const generateSeconds = (performance.now() - started) / 1000

    started = performance.now()
    const batches = Math.ceil(data.customers.length / BATCH)
    const oldest = Date.now() - HISTORY_DAYS * 86_400_000
    const createdAt = (b: number) => new Date(oldest + (b / batches) * HISTORY_DAYS * 86_400_000)
    for (let b = 0; b < batches; b++) {
      await createCustomers(db, createdAt(b), storeId, data.customers.slice(b * BATCH, (b + 1) * BATCH))
    }
    const insertSeconds = (performance.now() - started) / 1000
    // From the middle batch on, about half the store: a date range that neither the first page
    // nor the count can answer from a few rows. The exact second, as createCustomers stored it,
    // so no earlier batch falls in it at any store size.
    const middle = Math.floor(batches / 2)
    const filterDate = { min: formatTimestamp(createdAt(middle)), customers: data.customers.length - middle * BATCH }

    started = performance.now()
    const owner = { storeId, clientId: account.client_id, writeAll: false }
    const metafields = seedMetafields(data.customers.length)
    for (let i = 0; i < metafields.length; i += METAFIELD_BATCH) {
      const outcome = await createMetafields(db, new Date(), owner, CUSTOMER_METAFIELDS, metafields.slice(i, i + METAFIELD_BATCH))
      if (outcome.failures.length > 0) throw new Error(`seeding metafields failed: ${JSON.stringify(outcome.failures[0])}`)
    }
    const metafieldSeconds = (performance.now() - started) / 1000

    await checkCounters(db, storeId, data.customers.length)
    const subresources = await countSubresources(db, storeId)
    // No ANALYZE here: right after a bulk load is when plans go wrong, and `clientele serve` keeps
    // PostgreSQL's statistics fresh itself (src/db/statistics.ts), as it must on a server whose
    // autovacuum is off or lagging. What is measured is what a server just started on this data does.

    return {
      backend,
      databaseUrl,
      ...(schema ? { schema } : {}),
      storeHash: STORE_HASH,
      token: account.access_token,
      customers: data.customers.length,
      filterCompany: data.filterCompany,
      filterName: data.filterName,
      filterDate,
      subresources,
      logins: { emails: data.customers.slice(0, LOGIN_CUSTOMERS).map((c) => c.email), password: LOGIN_PASSWORD },
      generateSeconds,
      insertSeconds,
      metafieldSeconds,
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

async function countSubresources(db: Kysely<Database>, storeId: number): Promise<SeededStore['subresources']> {
  const count = async (table: 'customer_addresses' | 'customer_attribute_values' | 'metafields') => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('store_id', '=', storeId).executeTakeFirstOrThrow()
    return Number(row.n)
  }
  return { addresses: await count('customer_addresses'), attributeValues: await count('customer_attribute_values'), metafields: await count('metafields') }
}
