import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { SCOPES } from '../../src/core/scopes.js'
import type { TestStore } from './app.js'

// Metafield fixtures: request bodies, the objects the API answers for them, and the setup most
// metafield tests share (API accounts with client ids of their own).

let sequence = 0

/** A valid metafield create body with a unique key; fields may be overridden. */
export function newMetafield(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1
  return {
    permission_set: 'app_only',
    namespace: 'Sales Department',
    key: `Staff Name ${sequence}`,
    value: 'Ronaldo',
    description: 'Name of staff member',
    ...overrides,
  }
}

export interface Written {
  id: number
  resource_type: string
  resource_id: number | string
  owner_client_id: string
  /** `YYYY-MM-DDTHH:MM:SS+00:00` */
  date_created: string
  date_modified?: string
}

/** The metafield the API answers for a create body (and later changes), as stored. */
export function metafieldFrom(body: Record<string, unknown>, written: Written): Record<string, unknown> {
  return {
    id: written.id,
    key: body.key,
    value: body.value,
    namespace: body.namespace,
    permission_set: body.permission_set,
    resource_type: written.resource_type,
    resource_id: written.resource_id,
    description: body.description ?? '',
    date_created: written.date_created,
    date_modified: written.date_modified ?? written.date_created,
    owner_client_id: written.owner_client_id,
  }
}

export const randomCartId = () => randomUUID()

/** A client id no other test uses (client ids are unique across stores). */
export const clientId = (name: string) => `${name}-${randomUUID().slice(0, 8)}`

export interface Account {
  clientId: string
  token: string
}

/** Another API account of the store, with these scopes and a known client id. */
export async function account(store: TestStore, name: string, scopes: readonly string[]): Promise<Account> {
  const id = clientId(name)
  return { clientId: id, token: await store.tokenWith(scopes, id) }
}

/** An account holding the customers scope (and any more given). */
export const customersAccount = (store: TestStore, name: string, ...more: string[]) => account(store, name, [SCOPES.customers, ...more])

/** POSTs one metafield to a path (`/customers/1/metafields`) and returns what the API answered. */
export async function createMetafield(
  store: TestStore,
  path: string,
  body: Record<string, unknown> = newMetafield(),
  token?: string,
): Promise<Record<string, any> & { id: number }> {
  const res = await store.request('POST', path, body, token === undefined ? {} : { token })
  expect(res.status).toBe(200)
  return res.body.data
}
