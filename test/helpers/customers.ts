import { expect } from 'vitest'
import { newCustomer, type TestStore } from './app.js'

// Customers as fixtures, created through the API as a client would.

export type Customer = Record<string, any> & { id: number; email: string }

/** Creates customers in one POST, each `newCustomer(item)`; returns them as the POST answered. */
export async function postCustomers(store: TestStore, ...items: Record<string, unknown>[]): Promise<Customer[]> {
  const res = await store.request('POST', '/customers', items.map((item) => newCustomer(item)))
  expect(res.status).toBe(200)
  return res.body.data
}

/** Creates `count` customers in one POST, with the same overrides; returns their ids. */
export async function createCustomers(store: TestStore, count = 1, overrides: Record<string, unknown> = {}): Promise<number[]> {
  const created = await postCustomers(store, ...Array.from({ length: count }, () => overrides))
  return created.map((c) => c.id)
}

/** Creates one customer; returns its id. */
export async function createCustomer(store: TestStore, overrides: Record<string, unknown> = {}): Promise<number> {
  const [id] = await createCustomers(store, 1, overrides)
  return id!
}

/** A customer as a plain GET lists it: as POST/PUT answered, less the store credit they always carry. */
export function listed(customer: Customer): Customer {
  const { store_credit_amounts: _, ...rest } = customer
  return rest as Customer
}
