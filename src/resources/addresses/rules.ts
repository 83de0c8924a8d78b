import { createHash } from 'node:crypto'
import type { Selectable } from 'kysely'
import { RuleError } from '../../core/errors.js'
import type { DomainEvent } from '../../db/outbox.js'
import type { CustomerAddressTable } from '../../db/schema.js'
import { comparisonKey, findCountry } from './countries.js'

// What makes an address acceptable beyond its schema (DECISIONS 10): a real country, the full
// name of one of its subdivisions where it has any, a postal code where it uses them. And what
// makes two addresses the same one (DECISIONS 11).

/** The stored fields of an address, every one set (the table's columns but keys and derived ones). */
export type AddressFields = Omit<Selectable<CustomerAddressTable>, 'store_id' | 'id' | 'customer_id' | 'name_key' | 'fingerprint'>

export const ADDRESS_PROBLEMS = {
  unknownCountry: 'must be an ISO 3166-1 alpha-2 country code',
  stateRequired: (country: string) => `is required for an address in ${country}`,
  stateIsCode: (code: string, name: string) => `must be a full name, not a code: ${JSON.stringify(code)} is ${JSON.stringify(name)}`,
  notASubdivision: (country: string) => `is not the name of a subdivision of ${country}`,
  postalCodeRequired: (country: string) => `is required for an address in ${country}`,
  unknownCustomer: 'is not the id of a customer of this store',
  unknownAddress: 'is not the id of an address of this store',
  repeatedId: (first: number) => `repeats the address of item ${first}`,
} as const

/**
 * Checks country, state and postal code; returns the address as stored: the country code upper
 * case, the state spelled as ISO 3166-2 spells it. `at` is the item's path in the request.
 */
export function normaliseAddress(fields: AddressFields, at: string): AddressFields {
  const country = findCountry(fields.country_code)
  if (!country) throw new RuleError(`${at}.country_code`, ADDRESS_PROBLEMS.unknownCountry)
  let state = fields.state_or_province
  if (country.subdivisions.size > 0) {
    if (state.trim() === '') throw new RuleError(`${at}.state_or_province`, ADDRESS_PROBLEMS.stateRequired(country.name))
    const subdivision = country.subdivisions.get(comparisonKey(state))
    if (!subdivision) {
      const byCode = country.subdivisionCodes.get(state.trim().toLowerCase().replace(`${country.code.toLowerCase()}-`, ''))
      throw new RuleError(
        `${at}.state_or_province`,
        byCode ? ADDRESS_PROBLEMS.stateIsCode(state, byCode.name) : ADDRESS_PROBLEMS.notASubdivision(country.name),
      )
    }
    state = subdivision.name
  }
  if (country.needsPostalCode && fields.postal_code.trim() === '') {
    throw new RuleError(`${at}.postal_code`, ADDRESS_PROBLEMS.postalCodeRequired(country.name))
  }
  return { ...fields, country_code: country.code, state_or_province: state }
}

/** An address event (WEBHOOKS.md (c)): `type` says customer, `id` is the address's. */
export function addressEvent(scope: `store/customer/address/${'created' | 'updated' | 'deleted'}`, row: { id: number; customer_id: number }): DomainEvent {
  return { scope, data: { type: 'customer', id: row.id, address: { customer_id: row.customer_id } } }
}

/** The core fields that make an address itself (DECISIONS 11), hashed; the customer is compared apart. */
export function fingerprint(fields: AddressFields): string {
  const core = [
    fields.first_name, fields.last_name, fields.company, fields.phone, fields.address_type, fields.address1, fields.address2,
    fields.city, fields.country_code, fields.state_or_province, fields.postal_code,
  ]
  return createHash('sha256').update(JSON.stringify(core)).digest('hex')
}
