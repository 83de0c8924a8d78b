import { sql, type Kysely } from 'kysely'
import { systemClock, type Clock } from '../core/dates.js'
import { hashPassword } from '../core/passwords.js'
import { readCounter } from '../db/counters.js'
import { isPostgres } from '../db/dialect.js'
import { analyzeTables } from '../db/statistics.js'
import { withoutEvents } from '../db/outbox.js'
import type { Database } from '../db/schema.js'
import { prepareCustomers, writeCustomers, type PasswordHasher } from '../resources/customers/service.js'
import type { CustomerCreate } from '../resources/customers/schemas.js'
import { CART_METAFIELDS, CUSTOMER_METAFIELDS } from '../resources/metafields/resources.js'
import { ensureStore, firstClientId, seedAttributes, seedChannels, seedFormFields } from './definitions.js'
import { cartMetafield, customerMetafield, seedConsent, seedInstruments, seedMetafields } from './extras.js'
import { FakeCustomers, type CustomerShape } from './fake-data.js'
import type { SeedPlan, SeedProgress } from './plan.js'

// `clientele seed`: a store filled with believable data through the resources' own write
// functions (prepareCustomers/writeCustomers, the metafield batch create, consent, instruments),
// so every column, count, stored text and id sequence is what the API would have written, but in
// large transactions and without HTTP. A seed is not an app's write: it emits no webhook events.

/** Customers per transaction: large enough that a commit's cost is shared by many rows. */
const CUSTOMERS_PER_TRANSACTION = 10_000
/** Bound values per statement, under SQLite's 32,766 (PostgreSQL takes 65,535). */
const VALUES_PER_STATEMENT = 24_000
/** Columns of the widest row each customer brings, per table (customers 22, addresses 15, values 6). */
const WIDTH = { customer: 23, address: 16, value: 7 } as const
/** The tables a seed grows, whose PostgreSQL statistics it keeps up with. */
const SEEDED_TABLES = ['customers', 'customer_addresses', 'customer_attribute_values', 'form_field_values', 'customer_consents', 'stored_instruments'] as const
/** Seeded customers were created over this many days before now, oldest first. */
const HISTORY_DAYS = 730

export interface SeedSummary {
  storeHash: string
  /** the store did not exist and was made */
  created: boolean
  customers: number
  /** the ids the seeded customers got, first and last */
  ids: [number, number] | undefined
  addresses: number
  attributeValues: number
  formFieldValues: number
  customerMetafields: number
  cartMetafields: number
  consents: number
  instruments: number
  channels: number[]
  seconds: number
}

export async function seedStore(
  db: Kysely<Database>,
  plan: SeedPlan,
  report: (progress: SeedProgress) => void = () => {},
  clock: Clock = systemClock,
): Promise<SeedSummary> {
  const started = performance.now()
  const { storeId, created } = await ensureStore(db, plan.storeHash)
  if (!isPostgres(db)) {
    // A larger page cache for this connection: the indexes a large seed writes stay in memory
    // until the commit instead of being spilled and read back (256 MB at the most, only as used).
    await sql`pragma cache_size = -262144`.execute(db)
  }
  const shape: CustomerShape = {
    addresses: plan.addresses,
    attributes: await seedAttributes(db, clock(), storeId, plan.attributes),
    formFields: plan.formFields && (await seedFormFields(db, plan.storeHash)),
    channels: await seedChannels(db, plan.storeHash, plan.channels),
    ...(plan.password === undefined ? {} : { password: plan.password }),
  }
  const fake = new FakeCustomers(plan.locale, plan.seed)
  const summary: SeedSummary = {
    storeHash: plan.storeHash, created, customers: 0, ids: undefined, addresses: 0, attributeValues: 0, formFieldValues: 0,
    customerMetafields: 0, cartMetafields: 0, consents: 0, instruments: 0, channels: [...shape.channels], seconds: 0,
  }
  let ids: number[]
  try {
    ids = await seedCustomers(db, storeId, plan, shape, fake, summary, report, clock)
  } catch (error) {
    // Each transaction of customers is whole; those committed before the failure stay, and the message says so.
    const done = summary.customers === 0 ? 'no customer was seeded' : `${summary.customers} customers were seeded before it (ids ${summary.ids![0]}-${summary.ids![1]})`
    if (error instanceof Error) error.message = `${error.message}; ${done}`
    throw error
  }
  const account = { storeId, clientId: plan.owner ?? (await firstClientId(db, plan.storeHash)), writeAll: false }
  summary.customerMetafields = await seedMetafields(db, clock(), 'customer metafields', plan.customerMetafields * ids.length, report, (i) => {
    const customer = ids[Math.floor(i / plan.customerMetafields)]!
    const k = i % plan.customerMetafields
    return { ...customerMetafield(k, fake.randomSource), resource_id: customer }
  }, account, CUSTOMER_METAFIELDS)
  let cart = ''
  summary.cartMetafields = await seedMetafields(db, clock(), 'cart metafields', plan.cartMetafields, report, (i) => {
    if (i % 2 === 0) cart = fake.randomSource.uuid()
    return { ...cartMetafield(i % 2, fake.randomSource), resource_id: cart }
  }, account, CART_METAFIELDS)
  summary.seconds = (performance.now() - started) / 1000
  return summary
}

/** Hashes each distinct password once: a seed of a million customers with one password makes one scrypt hash. */
function hashOnce(): PasswordHasher {
  const made = new Map<string, Promise<string>>()
  return (password) => {
    let hash = made.get(password)
    if (!hash) made.set(password, (hash = hashPassword(password)))
    return hash
  }
}

/** Customers in transactions of CUSTOMERS_PER_TRANSACTION, each a few statements per table; returns their ids. */
async function seedCustomers(
  db: Kysely<Database>,
  storeId: number,
  plan: SeedPlan,
  shape: CustomerShape,
  fake: FakeCustomers,
  summary: SeedSummary,
  report: (progress: SeedProgress) => void,
  clock: Clock,
): Promise<number[]> {
  const perStatement = Math.max(1, Math.min(1_000, Math.floor(VALUES_PER_STATEMENT / Math.max(
    WIDTH.customer, WIDTH.address * plan.addresses, WIDTH.value * Math.max(plan.attributes, plan.formFields ? plan.addresses + 1 : 0),
  ))))
  const hash = hashOnce()
  const ids: number[] = []
  const now = clock().getTime()
  const batches = Math.ceil(plan.customers / perStatement)
  const createdAt = (b: number) => new Date(now - HISTORY_DAYS * 86_400_000 * (1 - b / batches))
  const firstOrdinal = (await readCounter(db, storeId, 'customers.last_id')) + 1
  // PostgreSQL's statistics are refreshed after the first statement, then as the seeded rows
  // double (analyzeTables says why): a few ANALYZEs in a seed of any size.
  let nextAnalyze = 0
  report({ phase: 'customers', done: 0, total: plan.customers })
  for (let start = 0; start < plan.customers; start += CUSTOMERS_PER_TRANSACTION) {
    const end = Math.min(plan.customers, start + CUSTOMERS_PER_TRANSACTION)
    // Everything but SQL is made before the transaction opens (the customers, their rows, hashes).
    const batches: { at: Date; prepared: Awaited<ReturnType<typeof prepareCustomers>> }[] = []
    for (let from = start; from < end; from += perStatement) {
      const items: CustomerCreate[] = []
      for (let i = from; i < Math.min(end, from + perStatement); i++) items.push(fake.customer(firstOrdinal + i, shape))
      const at = createdAt(Math.floor(from / perStatement))
      batches.push({ at, prepared: await prepareCustomers(db, at, storeId, items, hash) })
    }
    await db.transaction().execute(async (trx) => {
      withoutEvents(trx)
      for (const { at, prepared } of batches) {
        const rows = await writeCustomers(trx, at, storeId, prepared)
        if (isPostgres(db) && ids.length + rows.length >= nextAnalyze) {
          await analyzeTables(trx, SEEDED_TABLES)
          nextAnalyze = (ids.length + rows.length) * 2
        }
        for (const row of rows) {
          ids.push(row.id)
          summary.addresses += row.address_count
          summary.attributeValues += row.attribute_count
        }
        summary.formFieldValues += shape.formFields ? rows.length + rows.reduce((n, row) => n + row.address_count, 0) : 0
        if (plan.consent) summary.consents += await seedConsent(trx, at, storeId, rows.map((row) => row.id), fake.randomSource)
        if (plan.instruments > 0) summary.instruments += await seedInstruments(trx, at, plan, storeId, rows, prepared.items, fake.randomSource)
      }
    })
    summary.customers = ids.length
    summary.ids = [ids[0]!, ids[ids.length - 1]!]
    report({ phase: 'customers', done: ids.length, total: plan.customers })
  }
  return ids
}

