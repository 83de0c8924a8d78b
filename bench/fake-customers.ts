import { Faker, en } from '@faker-js/faker'
import type { CustomerCreate } from '../src/resources/customers/schemas.js'

// Realistic, reproducible customers: the seeded store and the bodies of the POST and PUT
// scenarios. Fixed seeds make every run hold the same names, emails and companies, so figures
// from different runs (and backends) describe the same data.

const SEED_DATA_SEED = 20_261_123
const LOAD_DATA_SEED = 7

/** Companies are shared by many customers (a B2B store); about 40% of customers have none. */
const COMPANY_POOL = 2_000
const WITH_COMPANY = 0.6

export interface SeedData {
  customers: CustomerCreate[]
  /** the company the filtered GET asks for, with how many seeded customers hold it */
  filterCompany: { name: string; customers: number }
  /** the substring the name:like GET asks for, with how many seeded customers' names contain it */
  filterName: { term: string; customers: number }
}

/** `count` customers with unique emails, in id order. */
export function seedCustomers(count: number): SeedData {
  const faker = new Faker({ locale: [en], seed: SEED_DATA_SEED })
  // `:in` filters split on commas, so the filtered GET needs a company without one.
  const companies = [...new Set(Array.from({ length: COMPANY_POOL }, () => faker.company.name()))]
  const emails = new Set<string>()
  const customers: CustomerCreate[] = []
  for (let i = 0; i < count; i++) {
    const first_name = faker.person.firstName()
    const last_name = faker.person.lastName()
    let email = faker.internet.email({ firstName: first_name, lastName: last_name })
    // faker repeats popular names; a suffix keeps the store's emails unique, as the API requires
    if (emails.has(email.toLowerCase())) email = email.replace('@', `.${i}@`)
    emails.add(email.toLowerCase())
    customers.push({
      email,
      first_name,
      last_name,
      company: faker.datatype.boolean(WITH_COMPANY) ? faker.helpers.arrayElement(companies) : '',
      phone: faker.phone.number({ style: 'national' }),
      notes: faker.datatype.boolean(0.1) ? faker.lorem.sentence() : '',
      customer_group_id: faker.helpers.weightedArrayElement([
        { weight: 8, value: 0 },
        { weight: 1, value: 1 },
        { weight: 1, value: 2 },
      ]),
      accepts_product_review_abandoned_cart_emails: faker.datatype.boolean(0.3),
    })
  }
  const name = companies.find((c) => !c.includes(','))!
  return { customers, filterCompany: { name, customers: customers.filter((c) => c.company === name).length }, filterName: commonLastName(customers) }
}

/**
 * The seeded store's most common last name, lower-cased, as a `name:like` term: a full page of
 * matches spread through the store, as a search for a surname finds. Letters only, since `:like`
 * values split on commas and `%` and `_` would be escaped. The count is of what the filter
 * matches: "first_name last_name", lower-cased, containing the term.
 */
function commonLastName(customers: CustomerCreate[]): { term: string; customers: number } {
  const counts = new Map<string, number>()
  for (const c of customers) {
    const name = c.last_name.toLowerCase()
    if (/^[a-z]+$/.test(name)) counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  const [term] = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best), ['', 0])
  return { term, customers: customers.filter((c) => `${c.first_name} ${c.last_name}`.toLowerCase().includes(term)).length }
}

/** Names, companies and mail domains the load generator combines into request bodies. */
export interface LoadPools {
  firstNames: string[]
  lastNames: string[]
  companies: string[]
  domains: string[]
}

export function loadPools(size = 200): LoadPools {
  const faker = new Faker({ locale: [en], seed: LOAD_DATA_SEED })
  const many = (make: () => string) => Array.from({ length: size }, make)
  return {
    firstNames: many(() => faker.person.firstName()),
    lastNames: many(() => faker.person.lastName()),
    companies: many(() => faker.company.name()),
    domains: many(() => faker.internet.domainName()),
  }
}

const pick = <T>(items: T[], n: number): T => items[n % items.length]!

/** Local parts of emails: letters only, so every generated email passes the API's format check. */
const mailName = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '') || 'x'

/**
 * The body of the `n`th POST: `size` new customers (no passwords) with emails no other
 * request of the run uses. Cheap by design: it runs in the load generator, per request.
 */
export function createBody(pools: LoadPools, n: number, size: number): string {
  const items = []
  for (let j = 0; j < size; j++) {
    const k = n * size + j
    const first_name = pick(pools.firstNames, k)
    const last_name = pick(pools.lastNames, k * 7 + 3)
    items.push({
      email: `${mailName(first_name)}.${mailName(last_name)}.${k}@${pick(pools.domains, k * 13)}`,
      first_name,
      last_name,
      company: pick(pools.companies, k * 11),
      phone: `555-01${String(k % 100).padStart(2, '0')}`,
    })
  }
  return JSON.stringify(items)
}

/**
 * The body of the `n`th PUT: `size` consecutive seeded customers get a new company, phone and
 * last name. Concurrent requests touch disjoint ids, as separate clients editing separate
 * customers would, until the counter wraps around the seeded range.
 */
export function updateBody(pools: LoadPools, n: number, size: number, seeded: number): string {
  const blocks = Math.max(1, Math.floor(seeded / size))
  const first = (n % blocks) * size + 1
  const items = []
  for (let j = 0; j < size; j++) {
    const k = n * size + j
    items.push({
      id: first + j,
      last_name: pick(pools.lastNames, k * 5 + 1),
      company: pick(pools.companies, k * 3),
      phone: `555-02${String(k % 100).padStart(2, '0')}`,
    })
  }
  return JSON.stringify(items)
}
