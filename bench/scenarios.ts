import { loadPools } from './fake-customers.js'
import { METAFIELDS_OF_ONE } from './fake-subresources.js'
import type { BodyKind, LoadSpec } from './load.js'
import type { SeededStore } from './seed.js'

// What is measured, in the order it runs. The GETs come first so they all see exactly the seeded
// store; POST then adds customers, PUT edits seeded ones, the metafield batch adds metafields
// (never to customer 1, whose list is measured), and validate-credentials reads only.

export const BATCH = 10
/** metafields per batch POST: the most the API takes */
export const METAFIELD_BATCH = 50

export interface Scenario {
  key: string
  label: string
  method: 'GET' | 'POST' | 'PUT'
  /** the path and query under /stores/{hash}/v3 */
  path: (store: SeededStore) => string
  body?: BodyKind
  /** batch writes: items (customers, metafields) per request, for the written/s column */
  items?: { count: number; name: 'customers' | 'metafields' }
  /** at most this many connections, whatever BENCH_CONNECTIONS says */
  maxConnections?: number
  /**
   * false: no bare server beside it. A replayed answer of a request whose time is all CPU work
   * (scrypt) says nothing about the framework's share.
   */
  bare?: false
  /** also measure the server's event loop while it runs (bench/event-loop.ts) */
  eventLoop?: true
  /**
   * Checks, before the measurement, what a 200 cannot show: throws if the scenario would measure
   * something else than it says (the load generators look at statuses only).
   */
  precheck?: (spec: LoadSpec, store: SeededStore) => Promise<void>
}

/** Every login the validate-credentials scenario sends is valid: a wrong one is a 200 too, with is_valid false. */
async function loginsAreValid(spec: LoadSpec, store: SeededStore): Promise<void> {
  const answers = await Promise.all(
    store.logins.emails.map(async (email) => {
      const response = await fetch(spec.url, { method: 'POST', headers: spec.headers, body: JSON.stringify({ email, password: store.logins.password }) })
      return { email, status: response.status, body: (await response.json()) as { is_valid?: boolean } }
    }),
  )
  const refused = answers.find((a) => a.status !== 200 || a.body.is_valid !== true)
  if (refused) throw new Error(`validate-credentials: seeded login ${refused.email} got ${refused.status} ${JSON.stringify(refused.body)}`)
}

export const SCENARIOS: Scenario[] = [
  { key: 'get-page', label: 'GET page of 50', method: 'GET', path: () => '/customers?limit=50' },
  {
    // A selective filter: one company of a pool of ~2,000 that 60% of customers share, ~30 matches,
    // so the total needs an indexed count and the page is not full.
    key: 'get-filtered',
    label: 'GET company:in=<one>',
    method: 'GET',
    path: (store) => `/customers?company:in=${encodeURIComponent(store.filterCompany.name)}&limit=50`,
  },
  { key: 'get-sorted', label: 'GET sort=last_name', method: 'GET', path: () => '/customers?sort=last_name:asc&limit=50' },
  {
    // The first page: 50 customers with 1-2 addresses and 2 attribute values each, loaded by one
    // query per kind (customers/includes.ts).
    key: 'get-include',
    label: 'GET include=addr,attr',
    method: 'GET',
    path: () => '/customers?include=addresses,attributes&limit=50',
  },
  {
    key: 'metafields-one',
    label: `GET customer's ${METAFIELDS_OF_ONE} mf`,
    method: 'GET',
    path: () => `/customers/1/metafields?limit=${METAFIELDS_OF_ONE}`,
  },
  {
    // Every customer has one metafield: the total counts the store's ~100,000.
    key: 'metafields-all',
    label: 'GET all mf, page of 50',
    method: 'GET',
    path: () => '/customers/metafields?limit=50',
  },
  { key: 'post', label: `POST ${BATCH} customers`, method: 'POST', path: () => '/customers', body: 'create', items: { count: BATCH, name: 'customers' } },
  {
    // BigCommerce allows 3 concurrent PUT /customers per store, and so does Clientele: a fourth
    // is a 429. More connections on the one store would measure refusals, not updates.
    key: 'put',
    label: `PUT ${BATCH} customers (3 conn)`,
    method: 'PUT',
    path: () => '/customers',
    body: 'update',
    items: { count: BATCH, name: 'customers' },
    maxConnections: 3,
  },
  {
    key: 'metafields-post',
    label: `POST ${METAFIELD_BATCH} metafields`,
    method: 'POST',
    path: () => '/customers/metafields',
    body: 'metafields',
    items: { count: METAFIELD_BATCH, name: 'metafields' },
  },
  {
    // Seeded logins with their right passwords: each runs one scrypt verification on libuv's
    // thread pool, and, being successes, gives back its attempt to the login limit.
    key: 'validate',
    label: 'POST validate-creds',
    method: 'POST',
    path: () => '/customers/validate-credentials',
    body: 'login',
    // The per-client login limit (100 failures) counts attempts in flight until they succeed.
    maxConnections: 64,
    bare: false,
    eventLoop: true,
    precheck: loginsAreValid,
  },
]

/** The load of one scenario against the server at `origin`; `counter` numbers the run's request bodies. */
export function loadSpec(scenario: Scenario, store: SeededStore, origin: string, counter: { next: number }): LoadSpec {
  return {
    url: `${origin}/stores/${store.storeHash}/v3${scenario.path(store)}`,
    method: scenario.method,
    headers: {
      'x-auth-token': store.token,
      accept: 'application/json',
      ...(scenario.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(scenario.body
      ? {
          body: {
            kind: scenario.body,
            size: scenario.items?.count ?? 1,
            seeded: store.customers,
            pools: loadPools(),
            logins: store.logins,
            counter,
          },
        }
      : {}),
  }
}
