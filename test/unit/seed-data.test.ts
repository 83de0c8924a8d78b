import { describe, expect, it } from 'vitest'
import { bodyProblems } from '../../src/core/validation.js'
import { normaliseAddress } from '../../src/resources/addresses/rules.js'
import { CustomerCreate } from '../../src/resources/customers/schemas.js'
import { FakeCustomers, type CustomerShape } from '../../src/seed/fake-data.js'
import { SEED_LOCALE_NAMES, SEED_LOCALES } from '../../src/seed/locales.js'

// What the seed makes in every locale passes the API's own checks: the POST body schema, and the
// address rules (a subdivision ISO 3166-2 knows, a postal code where the country uses them), so
// a faker release that changes a locale's data fails here, not in a user's seed.

const SHAPE: CustomerShape = { addresses: 2, attributes: [], formFields: false, channels: [1, 2], password: 'seeded-pass-1' }

describe.each(SEED_LOCALE_NAMES)('seed data in %s', (locale) => {
  const make = (seed: number) => {
    const fake = new FakeCustomers(locale, seed)
    return Array.from({ length: 300 }, (_, i) => fake.customer(i + 1, SHAPE))
  }
  const customers = make(11)

  it('is a valid POST /customers body, addresses included, in the locale\'s country', () => {
    customers.forEach((customer, i) => {
      expect(bodyProblems(CustomerCreate, customer)).toBeUndefined()
      expect(customer.email).toMatch(new RegExp(`^[a-z]+\\.[a-z]+${i + 1}@`))
      for (const [j, address] of customer.addresses!.entries()) {
        expect(address.country_code).toBe(SEED_LOCALES[locale].country)
        const fields = { company: '', address2: '', phone: '', address_type: 'residential', state_or_province: '', postal_code: '', ...address }
        expect(() => normaliseAddress(fields, `${i}.addresses.${j}`)).not.toThrow()
      }
    })
  })

  it('is the same for the same seed and differs for another', () => {
    expect(make(11)).toEqual(customers)
    expect(make(12)[0]).not.toEqual(customers[0])
  })
})
