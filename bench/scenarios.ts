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
/** the page the deep GET asks for, on a store large enough to have it, and its size */
const DEEP_PAGE = 1_000
const DEEP_PAGE_SIZE = 50

export interface Scenario {
  key: string
  /** what the report calls it; from the store where it names something of the seeded data */
  label: string | ((store: SeededStore) => string)
  method: 'GET' | 'POST' | 'PUT'
  /** the path and query under /stores/{hash}/v3 */
  path: (store: SeededStore) => string
  /** the status every answer must have (default 200, meaning any 2xx): a refusal measured on purpose */
  status?: number
  /** the x-auth-token sent instead of the seeded account's */
  token?: string
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
   * Checks, before the measurement, what a status cannot show: throws if the scenario would measure
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

/** The filter's total is the count the seed made of its matches, the one the run prints beside it. */
function totalIs(expected: (store: SeededStore) => number): NonNullable<Scenario['precheck']> {
  return async (spec, store) => {
    const response = await fetch(spec.url, { headers: spec.headers })
    const body = (await response.json()) as { meta?: { pagination?: { total?: number } } }
    const total = body.meta?.pagination?.total
    if (total !== expected(store)) throw new Error(`${spec.url}: total ${total}, but the seed counted ${expected(store)} matches`)
  }
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
  // Refusals: what the framework costs when the answer is an error and no customer is read.
  { key: 'get-404', label: '404 unknown route', method: 'GET', path: () => '/no-such-route', status: 404 },
  { key: 'get-401', label: '401 bad token', method: 'GET', path: () => '/customers?limit=50', token: 'not-a-token', status: 401 },
  {
    // Offset paging far into the store: the rows before the page are read and skipped.
    key: 'get-deep',
    label: (store) => `GET page=${deepPage(store)}`,
    method: 'GET',
    path: (store) => `/customers?limit=${DEEP_PAGE_SIZE}&page=${deepPage(store)}`,
  },
  {
    // A substring search no index serves: the page scans until 50 names match, the total counts them all.
    key: 'get-like',
    label: 'GET name:like=<common>',
    method: 'GET',
    path: (store) => `/customers?name:like=${encodeURIComponent(store.filterName.term)}&limit=50`,
    precheck: totalIs((store) => store.filterName.customers),
  },
  {
    // A date range holding half the store: the page is cheap, the total counts ~half the rows.
    key: 'get-dates',
    label: 'GET date_created:min',
    method: 'GET',
    path: (store) => `/customers?date_created:min=${encodeURIComponent(store.filterDate.min)}&limit=50`,
    precheck: totalIs((store) => store.filterDate.customers),
  },
  { key: 'addresses', label: 'GET addresses', method: 'GET', path: () => '/customers/addresses?limit=50' },
  { key: 'attribute-values', label: 'GET attribute-values', method: 'GET', path: () => '/customers/attribute-values?limit=50' },
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

/** The deep GET's page: page 1,000, or on a smaller store its last full page. */
function deepPage(store: SeededStore): number {
  return Math.max(1, Math.min(DEEP_PAGE, Math.floor(store.customers / DEEP_PAGE_SIZE)))
}

export function labelOf(scenario: Scenario, store: SeededStore): string {
  return typeof scenario.label === 'string' ? scenario.label : scenario.label(store)
}

/** The load of one scenario against the server at `origin`; `counter` numbers the run's request bodies. */
export function loadSpec(scenario: Scenario, store: SeededStore, origin: string, counter: { next: number }): LoadSpec {
  return {
    url: `${origin}/stores/${store.storeHash}/v3${scenario.path(store)}`,
    method: scenario.method,
    expectedStatus: scenario.status ?? 200,
    headers: {
      'x-auth-token': scenario.token ?? store.token,
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
