import * as fakerLocales from '@faker-js/faker'
import { Faker, type LocaleDefinition } from '@faker-js/faker'
import { findCountry } from '../resources/addresses/countries.js'
import type { NestedAddressCreate } from '../resources/addresses/index.js'
import type { CustomerCreate } from '../resources/customers/schemas.js'
import { Random } from './random.js'
import { SEED_LOCALES, type SeedLocaleName } from './locales.js'

// Believable customers, fast: faker draws pools of names, companies, streets, cities and phone
// numbers in the seed's locale once (a few thousand values), and a seeded random source combines
// them per customer. Asking faker per field costs ~30 µs a customer, more than writing it; a pool
// draw costs a few nanoseconds and keeps the same variety a page of customers shows.

const POOL = 1_500
/** About 40% of customers have no company; those that do share a pool of companies (B2B). */
const WITH_COMPANY = 0.6
const WITH_NOTES = 0.1
const WITH_SECOND_LINE = 0.2

/** A store's customer attribute: a name and what a value of it looks like. */
export interface SeedAttribute {
  name: string
  type: 'string' | 'number' | 'date'
  value: (random: Random) => string
}

const TIERS = ['Bronze', 'Silver', 'Gold', 'Platinum']
const SOURCES = ['Search engine', 'Social media', 'A friend', 'Newsletter', 'Podcast', 'Trade show']
const pad = (n: number) => String(n).padStart(2, '0')

/** The attributes a seed gives a store, in order: `--attributes N` takes the first N. */
export const SEED_ATTRIBUTES: readonly SeedAttribute[] = [
  { name: 'Loyalty tier', type: 'string', value: (r) => r.pick(TIERS) },
  { name: 'Lifetime value', type: 'number', value: (r) => (r.int(0, 2_000_000) / 100).toFixed(2) },
  { name: 'Birthday', type: 'date', value: (r) => `${r.int(1950, 2006)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}` },
  { name: 'Orders placed', type: 'number', value: (r) => String(r.int(0, 120)) },
  { name: 'Preferred store', type: 'string', value: (r) => r.pick(['Online', 'Downtown', 'Airport', 'Mall']) },
  { name: 'Referral source', type: 'string', value: (r) => r.pick(SOURCES) },
  { name: 'Last order date', type: 'date', value: (r) => `${r.int(2022, 2026)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}` },
  { name: 'Account manager', type: 'string', value: (r) => r.pick(['Sam', 'Priya', 'Jonas', 'Amara', 'Luis']) },
]

/** The form fields a seed defines when asked (`--form-fields`), one per form, and their values. */
export const SEED_FORM_FIELDS = {
  customer: { name: 'How did you hear about us?', type: 'picklist', options: SOURCES },
  address: { name: 'Delivery instructions', type: 'text' },
} as const
const DELIVERY_NOTES = ['Leave at the door', 'Ring twice', 'Deliver to reception', 'Call on arrival', 'Side entrance']

export interface CustomerShape {
  addresses: number
  /** the store's attribute ids, each with its value maker */
  attributes: { id: number; value: (random: Random) => string }[]
  formFields: boolean
  /** the store's channels; a customer's origin is one of them */
  channels: readonly number[]
  password?: string
}

/** Makes customers as POST /customers takes them; `ordinal` numbers emails so that they are unique in the store. */
export class FakeCustomers {
  private readonly random: Random
  private readonly pools

  constructor(locale: SeedLocaleName, seed: number) {
    const { country } = SEED_LOCALES[locale]
    // The locale's own definitions first, English and faker's base for what it lacks.
    const definitions = [fakerLocales[locale], fakerLocales.en, fakerLocales.base] as LocaleDefinition[]
    const faker = new Faker({ locale: definitions, seed })
    this.random = new Random(seed)
    const many = <T>(make: () => T, n = POOL) => Array.from({ length: n }, make)
    this.pools = {
      country,
      states: statesOf(country, many(() => faker.location.state(), 200)),
      firstNames: many(() => faker.person.firstName()),
      lastNames: many(() => faker.person.lastName()),
      companies: [...new Set(many(() => faker.company.name(), 400))],
      domains: [...new Set(many(() => faker.internet.domainName(), 300))],
      streets: many(() => faker.location.streetAddress()),
      secondLines: many(() => faker.location.secondaryAddress(), 200),
      cities: many(() => faker.location.city(), 600),
      postalCodes: many(() => faker.location.zipCode()),
      phones: many(() => faker.phone.number({ style: 'national' })),
      notes: many(() => faker.lorem.sentence(), 200),
    }
  }

  /** The next customer. */
  customer(ordinal: number, shape: CustomerShape): CustomerCreate {
    const { random, pools } = this
    const first_name = random.pick(pools.firstNames)
    const last_name = random.pick(pools.lastNames)
    const company = random.chance(WITH_COMPANY) ? random.pick(pools.companies) : ''
    const phone = random.pick(pools.phones)
    const customer: CustomerCreate = {
      email: `${mailName(first_name)}.${mailName(last_name)}${ordinal}@${random.pick(pools.domains)}`,
      first_name,
      last_name,
      company,
      phone,
      notes: random.chance(WITH_NOTES) ? random.pick(pools.notes) : '',
      customer_group_id: random.chance(0.8) ? 0 : random.int(1, 2),
      accepts_product_review_abandoned_cart_emails: random.chance(0.3),
    }
    if (shape.channels.length > 1) customer.origin_channel_id = random.pick(shape.channels)
    if (shape.password !== undefined) customer.authentication = { new_password: shape.password }
    if (shape.addresses > 0) {
      customer.addresses = Array.from({ length: shape.addresses }, (_, j) => this.address(customer, j, shape.formFields))
    }
    if (shape.attributes.length > 0) {
      customer.attributes = shape.attributes.map(({ id, value }) => ({ attribute_id: id, attribute_value: value(random) }))
    }
    if (shape.formFields) customer.form_fields = [{ name: SEED_FORM_FIELDS.customer.name, value: random.pick(SOURCES) }]
    return customer
  }

  private address(customer: CustomerCreate, j: number, formFields: boolean): NestedAddressCreate {
    const { random, pools } = this
    return {
      first_name: customer.first_name,
      last_name: customer.last_name,
      company: customer.company ?? '',
      address1: random.pick(pools.streets),
      address2: random.chance(WITH_SECOND_LINE) ? random.pick(pools.secondLines) : '',
      city: random.pick(pools.cities),
      state_or_province: pools.states.length > 0 ? random.pick(pools.states) : '',
      postal_code: random.pick(pools.postalCodes),
      country_code: pools.country,
      phone: customer.phone ?? '',
      address_type: j === 0 ? 'residential' : 'commercial',
      ...(formFields ? { form_fields: [{ name: SEED_FORM_FIELDS.address.name, value: random.pick(DELIVERY_NOTES) }] } : {}),
    }
  }

  /** Values the other seeded rows draw on: a cart id, a token, a choice. */
  get randomSource(): Random {
    return this.random
  }
}

/**
 * The subdivision names an address of `country` may carry: faker's states of the locale that
 * ISO 3166-2 knows (as the API requires), else the country's ISO subdivisions themselves.
 */
function statesOf(country: string, candidates: string[]): string[] {
  const subdivisions = findCountry(country)?.subdivisions
  if (!subdivisions || subdivisions.size === 0) return []
  const known = new Set([...subdivisions.values()].map((s) => s.name))
  const fromFaker = [...new Set(candidates)].filter((state) => known.has(state))
  return fromFaker.length > 0 ? fromFaker : [...known]
}

/** An email's local part from a name: ASCII letters only (Zoë -> zoe), so every email passes the API's check. */
function mailName(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(/[^a-z]/g, '') || 'customer'
}
