import type { SeededStore } from './seed.js'

// What is measured, in the order it runs. The GETs come first so they all see exactly the seeded
// store; POST then adds customers, and PUT edits seeded ones.

export const BATCH = 10

export interface Scenario {
  key: string
  label: string
  method: 'GET' | 'POST' | 'PUT'
  /** the path and query under /stores/{hash}/v3 */
  path: (store: SeededStore) => string
  body?: 'create' | 'update'
  /** at most this many connections, whatever BENCH_CONNECTIONS says */
  maxConnections?: number
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
  { key: 'post', label: `POST ${BATCH} customers`, method: 'POST', path: () => '/customers', body: 'create' },
  {
    // BigCommerce allows 3 concurrent PUT /customers per store, and so does Clientele: a fourth
    // is a 429. More connections on the one store would measure refusals, not updates.
    key: 'put',
    label: `PUT ${BATCH} customers (3 conn)`,
    method: 'PUT',
    path: () => '/customers',
    body: 'update',
    maxConnections: 3,
  },
]
