import { CUSTOMERS, STORED_INSTRUMENTS } from '../../core/scopes.js'
import { METAFIELD_RESOURCES } from '../../resources/metafields/resources.js'
import { LISTED_STRING_TYPES } from './form-fields.js'
import type { ApiCustomer } from './rows.js'
import type { CloneState } from './state.js'

// What a clone reads, in order: each phase is a list walked page by page with the API's own
// links, or one request per key (a customer, a channel) for what the API shows only one at a
// time. Parents come before what refers to them (attributes before their values, customers
// before their addresses), so that a row made at the source while the clone runs is either
// copied with its parent or left out, never copied without it.

/** Left out, and said so, when the source refuses it: a 403 (the token's scopes), a 404 (not served), any client error. */
interface Optional {
  /** what the note says the token needs, or that the source lacks */
  why: string
}

interface PhaseBase {
  /** the state's name for it (and its data file's) */
  name: string
  /** as progress lines and messages call it */
  label: string
  /** the scopes that read it, for the message of a 403 on a phase that cannot be left out */
  scopes: readonly string[]
  optional?: Optional
  /** run only when what was read before calls for it */
  needed?: (state: CloneState) => Promise<boolean>
}

export interface ListPhase extends PhaseBase {
  kind: 'list'
  /** the first page, relative to the API base */
  path: (pageSize: number) => string
}

export interface KeyedPhase extends PhaseBase {
  kind: 'keyed'
  keys: (state: CloneState) => Promise<number[]>
  path: (key: number) => string
  /** what a key is, for progress: "customers" */
  unit: string
  /** a 404 means the key is gone from the source since it was listed (a customer deleted): nothing to copy */
  keysMayVanish?: true
}

export type Phase = ListPhase | KeyedPhase

/** What a keyed phase's data file holds per key: the answer, or its status when the key was gone (404). */
export interface KeyedItem<T = unknown> {
  key: number
  status: number
  body?: T
}

/** The customers read, each once, in the order they were read. */
export async function customerIds(state: CloneState): Promise<number[]> {
  const ids = new Set<number>()
  for await (const customer of state.items<ApiCustomer>('customers')) ids.add(customer.id)
  return [...ids]
}

/** Channel 1, the channels the Channels API listed, and every channel a customer names. */
export async function channelIds(state: CloneState): Promise<number[]> {
  const ids = new Set<number>([1])
  for await (const channel of state.items<{ id: number }>('channels')) ids.add(channel.id)
  for await (const customer of state.items<ApiCustomer>('customers')) {
    ids.add(customer.origin_channel_id ?? 1)
    for (const id of customer.channel_ids ?? []) ids.add(id)
  }
  return [...ids].sort((a, b) => a - b)
}

async function anyStringValue(state: CloneState): Promise<boolean> {
  for await (const value of state.items<{ value: unknown }>('form_field_values')) if (typeof value.value === 'string') return true
  return false
}

const customersRead = CUSTOMERS.read

export const PHASES: readonly Phase[] = [
  { kind: 'keyed', name: 'settings', label: 'customer settings', unit: 'requests', scopes: customersRead, keys: async () => [0], path: () => 'customers/settings' },
  // BigCommerce's Channels API (names and creation dates); Clientele does not serve it.
  {
    kind: 'list', name: 'channels', label: 'channels', scopes: ['store_channel_settings_read_only'], path: (limit) => `channels?limit=${limit}`,
    optional: { why: 'store_channel_settings_read_only, or a source that serves the Channels API' },
  },
  { kind: 'list', name: 'attributes', label: 'attributes', scopes: customersRead, path: (limit) => `customers/attributes?limit=${limit}` },
  // Store credit is shown only when asked for; the other includes are read as lists of their own.
  { kind: 'list', name: 'customers', label: 'customers', scopes: customersRead, path: (limit) => `customers?include=storecredit&limit=${limit}` },
  { kind: 'list', name: 'addresses', label: 'addresses', scopes: customersRead, path: (limit) => `customers/addresses?limit=${limit}` },
  { kind: 'list', name: 'attribute_values', label: 'attribute values', scopes: customersRead, path: (limit) => `customers/attribute-values?limit=${limit}` },
  { kind: 'list', name: 'form_field_values', label: 'form field values', scopes: customersRead, path: (limit) => `customers/form-field-values?limit=${limit}` },
  // A value's shape tells a number or checkboxes field; these lists tell the text-valued types apart.
  ...LISTED_STRING_TYPES.map((type): ListPhase => ({
    kind: 'list', name: `form_field_types_${type}`, label: `${type} form fields`, scopes: customersRead,
    path: (limit) => `customers/form-field-values?field_type=${type}&limit=${limit}`, needed: anyStringValue,
  })),
  ...METAFIELD_RESOURCES.map((resource): ListPhase => ({
    kind: 'list', name: `metafields_${resource.type}`, label: `${resource.label} metafields`, scopes: resource.scopes.read,
    path: (limit) => `${resource.collection}/metafields?limit=${limit}`,
    // Read with the customers scopes, which the clone needs anyway; another resource's may be missing.
    ...(resource.scopes === CUSTOMERS ? {} : { optional: { why: resource.scopes.read.join(' or ') } }),
  })),
  {
    kind: 'keyed', name: 'channel_settings', label: 'channel settings', unit: 'channels', scopes: customersRead,
    keys: channelIds, path: (id) => `customers/settings/channels/${id}`, keysMayVanish: true,
  },
  { kind: 'keyed', name: 'consent', label: 'consent', unit: 'customers', scopes: customersRead, keys: customerIds, path: (id) => `customers/${id}/consent`, keysMayVanish: true },
  {
    kind: 'keyed', name: 'stored_instruments', label: 'stored instruments', unit: 'customers', scopes: STORED_INSTRUMENTS.read,
    keys: customerIds, path: (id) => `customers/${id}/stored-instruments`, keysMayVanish: true, optional: { why: STORED_INSTRUMENTS.read.join(' or ') },
  },
]
