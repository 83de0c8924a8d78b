import type { SeedLocaleName } from './locales.js'

// What `clientele seed` is asked to make (docs/SEEDING.md). Counts are per customer unless said.

export interface SeedPlan {
  storeHash: string
  customers: number
  /** addresses per customer */
  addresses: number
  /** attributes the store gets (SEED_ATTRIBUTES' first N), and a value of each per customer */
  attributes: number
  /** a customer and an address form field defined, and a value of each */
  formFields: boolean
  /** metafields per customer, owned by `owner` */
  customerMetafields: number
  /** cart metafields in all, two per cart */
  cartMetafields: number
  /** channels made besides the default one; customers' origins spread over all of them */
  channels: number
  /** every customer's consent written (a random choice of categories) */
  consent: boolean
  /** stored instruments per customer, the first one the default */
  instruments: number
  locale: SeedLocaleName
  seed: number
  /** every seeded customer's password (hashed once): validate-credentials works on them */
  password?: string
  /** the client id that owns the metafields (default: the store's first API account) */
  owner?: string
}

/** Upper bounds that keep a plan to what the API itself allows of one customer or store. */
export const SEED_LIMITS = {
  customers: 10_000_000,
  addresses: 10,
  customerMetafields: 250,
  cartMetafields: 1_000_000,
  channels: 20,
  instruments: 5,
} as const

export const DEFAULT_SEED_PLAN: Omit<SeedPlan, 'storeHash' | 'customers' | 'seed'> = {
  addresses: 1,
  attributes: 0,
  formFields: false,
  customerMetafields: 0,
  cartMetafields: 0,
  channels: 0,
  consent: false,
  instruments: 0,
  locale: 'en_US',
}

/** How far a seed has come, for a progress bar or a log line. */
export interface SeedProgress {
  phase: 'customers' | 'customer metafields' | 'cart metafields'
  done: number
  total: number
}
