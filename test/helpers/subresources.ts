import { expect } from 'vitest'
import { admin } from './admin.js'
import type { TestApp, TestStore } from './app.js'

// Customer sub-resource fixtures (the customers to hang them off are in customers.ts): addresses
// as sent and as answered, attributes, and form field definitions (made through the admin API, as
// a test suite would).

/** A US address that passes every rule: a real state (full name), a postal code. */
export const AKRON = {
  first_name: 'John',
  last_name: 'Doe',
  address1: '111 E West Street',
  city: 'Akron',
  state_or_province: 'Ohio',
  postal_code: '44325',
  country_code: 'US',
}

/** The address the API answers for a create body, with its defaults. */
export function addressFrom(id: number, customerId: number, input: Record<string, unknown>, country = 'United States'): Record<string, unknown> {
  return {
    address1: input.address1,
    address2: input.address2 ?? '',
    address_type: input.address_type ?? 'residential',
    city: input.city,
    company: input.company ?? '',
    country,
    country_code: input.country_code,
    customer_id: customerId,
    first_name: input.first_name,
    id,
    last_name: input.last_name,
    phone: input.phone ?? '',
    postal_code: input.postal_code ?? '',
    state_or_province: input.state_or_province ?? '',
  }
}

/** Posts addresses (each with `customer_id`); returns the answer's data. */
export async function postAddresses(store: TestStore, items: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const res = await store.request('POST', '/customers/addresses', items)
  expect(res.status).toBe(200)
  return res.body.data
}

/** Every address of the store, as GET lists them (with `include` when given). */
export async function addressesOf(store: TestStore, query = ''): Promise<Record<string, unknown>[]> {
  const res = await store.request('GET', `/customers/addresses?limit=250${query}`)
  expect(res.status).toBe(200)
  return res.body.data
}

/** The address_count and attribute_count of each customer of the store, by id. */
export async function countsOf(store: TestStore): Promise<Record<number, [number, number]>> {
  const res = await store.request('GET', '/customers?limit=250')
  expect(res.status).toBe(200)
  return Object.fromEntries(
    res.body.data.map((c: { id: number; address_count: number; attribute_count: number }) => [c.id, [c.address_count, c.attribute_count]]),
  )
}

/** Creates attributes in one POST; returns their ids. */
export async function createAttributes(store: TestStore, ...items: { name: string; type: string }[]): Promise<number[]> {
  const res = await store.request('POST', '/customers/attributes', items)
  expect(res.status).toBe(200)
  return res.body.data.map((a: { id: number }) => a.id)
}

/** Every attribute value of the store, as GET lists them. */
export async function attributeValuesOf(store: TestStore, query = ''): Promise<Record<string, unknown>[]> {
  const res = await store.request('GET', `/customers/attribute-values?limit=250${query}`)
  expect(res.status).toBe(200)
  return res.body.data
}

export interface FieldSpec {
  form: 'customer' | 'address'
  name: string
  type: string
  options?: string[]
  required?: boolean
}

/** Defines form fields of a store through the admin API; returns their ids. */
export async function defineFormFields(t: TestApp, store: TestStore, ...fields: FieldSpec[]): Promise<number[]> {
  const ids: number[] = []
  for (const field of fields) {
    const res = await admin(t, 'POST', `/stores/${store.hash}/form-fields`, field)
    expect(res.status).toBe(200)
    ids.push(res.body.data.id)
  }
  return ids
}

/** Every readable form field value of the store, as GET lists them. */
export async function formFieldValuesOf(store: TestStore, query = ''): Promise<Record<string, unknown>[]> {
  const res = await store.request('GET', `/customers/form-field-values?limit=250${query}`)
  expect(res.status).toBe(200)
  return res.body.data
}
