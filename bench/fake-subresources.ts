import { Faker, en } from '@faker-js/faker'
import type { AttributeCreate } from '../src/resources/attributes/schemas.js'
import type { CustomerCreate } from '../src/resources/customers/schemas.js'

// What hangs off the seeded customers: addresses and attribute values (sent nested in POST
// /customers, so createCustomers writes them in the customer's batch and transaction), the
// passwords of the customers the validate-credentials scenario logs in as, and the metafields of
// the metafield list scenarios. Their own fixed seed leaves the customers themselves exactly as
// fake-customers.ts makes them, so the other scenarios see the same store as before.

const SUBRESOURCE_SEED = 4_404

/** The store's customer attributes, created before the customers; customers with sub-resources get a value of each. */
export const SEED_ATTRIBUTES: AttributeCreate[] = [
  { name: 'Loyalty tier', type: 'string' },
  { name: 'Lifetime value', type: 'number' },
]
const TIERS = ['Bronze', 'Silver', 'Gold', 'Platinum']

/**
 * Customers (from id 1) that get a password, so that validate-credentials can log them in. The
 * scenario takes them in turn, so no email ever has two attempts in flight and the per-email
 * login limit never comes near.
 */
export const LOGIN_CUSTOMERS = 64
/** Their password: letters and digits, as the password rule wants. */
export const LOGIN_PASSWORD = 'bench-login-2026'

/** Metafields of customer 1: the per-customer metafield list pages through them. */
export const METAFIELDS_OF_ONE = 50

/**
 * Gives the first `upTo` customers 1 or 2 US addresses (60% one, 40% two) and a value of each
 * seeded attribute (`attributeIds` in SEED_ATTRIBUTES order), and the first LOGIN_CUSTOMERS a
 * password. Changes the items in place.
 */
export function addSubresources(customers: CustomerCreate[], attributeIds: number[], upTo: number): void {
  const faker = new Faker({ locale: [en], seed: SUBRESOURCE_SEED })
  customers.forEach((customer, i) => {
    if (i < LOGIN_CUSTOMERS) customer.authentication = { new_password: LOGIN_PASSWORD }
    if (i >= upTo) return
    const count = faker.datatype.boolean(0.4) ? 2 : 1
    customer.addresses = Array.from({ length: count }, (_, j) => ({
      first_name: customer.first_name,
      last_name: customer.last_name,
      company: customer.company ?? '',
      address1: faker.location.streetAddress(),
      address2: faker.datatype.boolean(0.2) ? faker.location.secondaryAddress() : '',
      city: faker.location.city(),
      // en's states are the 50 US states under their ISO 3166-2 names, as addresses require
      state_or_province: faker.location.state(),
      postal_code: faker.location.zipCode('#####'),
      country_code: 'US',
      phone: customer.phone ?? '',
      address_type: j === 0 ? 'residential' : 'commercial',
    }))
    customer.attributes = [
      { attribute_id: attributeIds[0]!, attribute_value: faker.helpers.arrayElement(TIERS) },
      { attribute_id: attributeIds[1]!, attribute_value: faker.finance.amount({ min: 0, max: 20_000, dec: 2 }) },
    ]
  })
}

/** A metafield as the batch create takes it. */
export interface SeedMetafield {
  resource_id: number
  namespace: string
  key: string
  value: string
  permission_set: 'app_only' | 'read'
}

/**
 * One metafield on every customer (an app's sync id: what a store-wide list pages through), and
 * METAFIELDS_OF_ONE - 1 more on customer 1, so it holds METAFIELDS_OF_ONE.
 */
export function seedMetafields(customers: number): SeedMetafield[] {
  const items: SeedMetafield[] = []
  for (let id = 1; id <= customers; id++) {
    items.push({ resource_id: id, namespace: 'sync', key: 'external_id', value: `ext-${(id * 7_919).toString(36)}`, permission_set: 'read' })
  }
  for (let k = 1; k < METAFIELDS_OF_ONE; k++) {
    items.push({ resource_id: 1, namespace: 'profile', key: `field_${k}`, value: `{"answer":${k},"source":"bench"}`, permission_set: 'app_only' })
  }
  return items
}
