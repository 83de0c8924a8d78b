import { Agent, type AgentOptions } from 'node:https'
import { connect, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect } from 'vitest'
import { buildTestApp, newCustomer, type TestApp, type TestStore } from '../helpers/app.js'
import type { Backend } from '../helpers/backends.js'

// What the tests of third-party BigCommerce clients share: a Clientele listening on a real port
// (the clients open sockets; inject would bypass them), the customers they create, and the agent
// that points the clients hard-coding https://api.bigcommerce.com:443 at it. Each test works in a
// store of its own, so it sees only the customers it made.

export interface Clientele {
  /** `http://127.0.0.1:<port>`: what takes the place of https://api.bigcommerce.com */
  origin: string
  /** a new store with a token holding every scope */
  newStore(): Promise<TestStore>
}

/** Starts Clientele on 127.0.0.1 and a port the OS picks, for the file's tests; stops it after them. */
export function useClientele(backend: Backend): () => Clientele {
  let t: TestApp | undefined
  let origin = ''
  beforeAll(async () => {
    t = await buildTestApp(backend)
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  })
  afterAll(() => t?.close())
  return () => {
    if (!t) throw new Error('Clientele is not started: call useClientele() in a describe block')
    return { origin, newStore: t.newStore }
  }
}

/**
 * The recipe for clients that build https://api.bigcommerce.com/... themselves and take only a
 * Node agent (node-bigcommerce, @space48/bigcommerce-api): an HTTPS agent whose connections are
 * plain TCP to Clientele. `createConnection` is the documented place for this; the request, its
 * path and headers stay the client's own (Host stays api.bigcommerce.com, which Clientele ignores).
 * `options` are the agent options the client would otherwise use, so pooling does not change.
 */
export function clienteleAgent(origin: string, options: AgentOptions = {}): Agent {
  const url = new URL(origin)
  const host = url.hostname.replace(/^\[|\]$/g, '') // an IPv6 literal without its brackets
  const port = Number(url.port || 80)
  const agent = new Agent(options)
  agent.createConnection = () => connect(port, host)
  return agent
}

export interface CustomerInput {
  email: string
  first_name: string
  last_name: string
}

/** Two new customers with unique emails: one to filter for, one the filter must leave out. */
export function twoCustomers(): [CustomerInput, CustomerInput] {
  return [newCustomer({ first_name: 'Ada' }) as unknown as CustomerInput, newCustomer({ first_name: 'Grace' }) as unknown as CustomerInput]
}

/** The field the tests update, and its new value. */
export const UPDATE = { company: 'Analytical Engines Ltd' } as const

/** A customer as the API returns it after a create from `input`: its fields, an id, the defaults. */
export function createdFrom(input: CustomerInput) {
  return expect.objectContaining({
    id: expect.any(Number),
    email: input.email,
    first_name: input.first_name,
    last_name: input.last_name,
    company: '',
  })
}

interface Customer {
  id: number
  email: string
  company: string
}

/** The store's customers as Clientele holds them, read in-process: not through the client under test. */
export async function storedCustomers(store: TestStore): Promise<Customer[]> {
  const res = await store.request('GET', '/customers?limit=250')
  expect(res.status).toBe(200)
  return res.body.data
}
