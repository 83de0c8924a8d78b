import { sql, type Kysely, type Transaction } from 'kysely'
import { systemClock, type Clock } from '../core/dates.js'
import { hashPassword } from '../core/passwords.js'
import { isPostgres } from '../db/dialect.js'
import { analyzeTables } from '../db/statistics.js'
import { withoutEvents } from '../db/outbox.js'
import type { Database } from '../db/schema.js'
import { attributesOf } from '../resources/attributes/index.js'
import { createAttributes } from '../resources/attributes/service.js'
import { checkedConsent, storeConsent } from '../resources/consent/service.js'
import { CONSENT_CATEGORIES, type ConsentCategory } from '../resources/consent/schemas.js'
import { prepareCustomers, writeCustomers, type PasswordHasher } from '../resources/customers/service.js'
import type { CustomerCreate } from '../resources/customers/schemas.js'
import { createFormField, listFormFields } from '../resources/form-field-values/definitions.js'
import { CART_METAFIELDS, CUSTOMER_METAFIELDS } from '../resources/metafields/resources.js'
import { createMetafieldsIn } from '../resources/metafields/service.js'
import { instrumentRow, writeInstrument } from '../resources/stored-instruments/fixtures.js'
import { createChannel, listChannels } from '../stores/channels.js'
import { StoreAdminError, storeIdOf } from '../stores/lookup.js'
import { createStore, listAccounts } from '../stores/service.js'
import { FakeCustomers, SEED_ATTRIBUTES, SEED_FORM_FIELDS, type CustomerShape } from './fake-data.js'
import type { SeedPlan } from './plan.js'
import type { Random } from './random.js'

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
const METAFIELDS_PER_BATCH = 2_000
/** The client id seeded metafields belong to when the store has no API account. */
export const SEED_CLIENT_ID = 'clientele-seed'

export interface SeedProgress {
  phase: 'customers' | 'customer metafields' | 'cart metafields'
  done: number
  total: number
}

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
  const created = await ensureStore(db, plan.storeHash)
  const storeId = await storeIdOf(db, plan.storeHash)
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

async function ensureStore(db: Kysely<Database>, hash: string): Promise<boolean> {
  const existing = await db.selectFrom('stores').select('id').where('hash', '=', hash).executeTakeFirst()
  if (existing) return false
  await createStore(db, hash)
  return true
}

/** The store's first `n` seed attributes, made where missing (an attribute of the same name is reused). */
async function seedAttributes(db: Kysely<Database>, now: Date, storeId: number, n: number): Promise<CustomerShape['attributes']> {
  const wanted = SEED_ATTRIBUTES.slice(0, n)
  if (wanted.length === 0) return []
  const byName = async () => new Map((await attributesOf(db, storeId)).map((row) => [row.name_key, row]))
  const existing = await byName()
  const missing = wanted.filter((a) => !existing.has(a.name.toLowerCase()))
  if (missing.length > 0) await createAttributes(db, now, storeId, missing.map(({ name, type }) => ({ name, type })))
  const all = await byName()
  return wanted.map((attribute) => {
    const row = all.get(attribute.name.toLowerCase())!
    if (row.type !== attribute.type) throw new StoreAdminError('conflict', `the store's attribute "${row.name}" is of type ${row.type}, not ${attribute.type}: rename it or seed fewer --attributes`)
    return { id: row.id, value: attribute.value }
  })
}

/** The seed's two form fields, made where missing. */
async function seedFormFields(db: Kysely<Database>, hash: string): Promise<true> {
  const existing = new Set((await listFormFields(db, hash)).map((field) => `${field.form}:${field.name}`))
  for (const [form, field] of Object.entries(SEED_FORM_FIELDS)) {
    if (!existing.has(`${form}:${field.name}`)) await createFormField(db, hash, { form, ...field })
  }
  return true
}

/** The store's channels after `extra` more are made: the origins seeded customers are spread over. */
async function seedChannels(db: Kysely<Database>, hash: string, extra: number): Promise<number[]> {
  for (let i = 0; i < extra; i++) await createChannel(db, hash, { name: `Storefront ${i + 2}` })
  return extra === 0 ? [1] : (await listChannels(db, hash)).map((channel) => channel.id)
}

async function firstClientId(db: Kysely<Database>, hash: string): Promise<string> {
  return (await listAccounts(db, hash))[0]?.client_id ?? SEED_CLIENT_ID
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
  const firstOrdinal = (await lastCustomerId(db, storeId)) + 1
  // PostgreSQL's statistics are refreshed as the seeded rows double (analyzeTables says why).
  let nextAnalyze = perStatement
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

async function lastCustomerId(db: Kysely<Database>, storeId: number): Promise<number> {
  const row = await db.selectFrom('store_counters').select('value').where('store_id', '=', storeId).where('name', '=', 'customers.last_id').executeTakeFirst()
  return Number(row?.value ?? 0)
}

const CHOICES = CONSENT_CATEGORIES.filter((category) => category !== 'essential')

async function seedConsent(trx: Transaction<Database>, now: Date, storeId: number, ids: number[], random: Random): Promise<number> {
  for (const id of ids) {
    const allow: ConsentCategory[] = []
    const deny: ConsentCategory[] = []
    for (const category of CHOICES) (random.chance(0.6) ? allow : deny).push(category)
    await storeConsent(trx, storeId, id, checkedConsent({ allow, deny }, now))
  }
  return ids.length
}

const BRANDS = ['visa', 'mastercard', 'amex', 'discover']

async function seedInstruments(
  trx: Transaction<Database>,
  now: Date,
  plan: SeedPlan,
  storeId: number,
  rows: { id: number; email: string }[],
  items: CustomerCreate[],
  random: Random,
): Promise<number> {
  let made = 0
  for (const [i, row] of rows.entries()) {
    const customer = items[i]!
    for (let j = 0; j < plan.instruments; j++) {
      const common = { token: random.hex(64), is_default: j === 0 }
      const input = random.chance(0.8)
        ? { type: 'stored_card', ...common, brand: random.pick(BRANDS), expiry_month: random.int(1, 12), expiry_year: random.int(2027, 2032), last_4: String(random.int(0, 9999)).padStart(4, '0'), billing_address: { first_name: customer.first_name, last_name: customer.last_name, email: customer.email } }
        : { type: 'stored_paypal_account', ...common, email: row.email }
      await writeInstrument(trx, plan.storeHash, instrumentRow(storeId, row.id, input, () => now))
      made += 1
    }
  }
  return made
}

const CUSTOMER_METAFIELD_KEYS = ['external_id', 'crm_segment', 'marketing_opt_in', 'preferred_contact', 'support_tier']

/** A customer's k-th metafield: an app's sync id, segment, preferences... (keys beyond the list are numbered). */
function customerMetafield(k: number, random: Random) {
  const key = k < CUSTOMER_METAFIELD_KEYS.length ? CUSTOMER_METAFIELD_KEYS[k]! : `field_${k}`
  const value = key === 'external_id' ? `crm-${random.hex(10)}` : key === 'crm_segment' ? random.pick(['new', 'active', 'lapsed', 'vip']) : String(random.int(0, 1_000))
  return { namespace: 'app', key, value, permission_set: 'read' as const, description: '' }
}

function cartMetafield(k: number, random: Random) {
  return k === 0
    ? { namespace: 'checkout', key: 'gift_message', value: random.pick(['Happy birthday!', 'Congratulations', 'With love', 'Thank you']), permission_set: 'write' as const, description: '' }
    : { namespace: 'checkout', key: 'delivery_slot', value: `${random.int(8, 18)}:00`, permission_set: 'read' as const, description: '' }
}

/** `total` metafields made by `item`, in batch creates of METAFIELDS_PER_BATCH, each its own silent transaction. */
async function seedMetafields(
  db: Kysely<Database>,
  now: Date,
  phase: SeedProgress['phase'],
  total: number,
  report: (progress: SeedProgress) => void,
  item: (i: number) => Parameters<typeof createMetafieldsIn>[4][number],
  account: Parameters<typeof createMetafieldsIn>[2],
  resource: Parameters<typeof createMetafieldsIn>[3],
): Promise<number> {
  if (total === 0) return 0
  let made = 0
  report({ phase, done: 0, total })
  for (let start = 0; start < total; start += METAFIELDS_PER_BATCH) {
    const items = Array.from({ length: Math.min(METAFIELDS_PER_BATCH, total - start) }, (_, k) => item(start + k))
    const outcome = await db.transaction().execute((trx) => createMetafieldsIn(withoutEvents(trx), now, account, resource, items))
    const [failed] = outcome.failures
    if (failed) throw new StoreAdminError('conflict', `a seeded metafield was refused: ${JSON.stringify(failed)}`)
    made += outcome.data.length
    report({ phase, done: made, total })
  }
  return made
}
