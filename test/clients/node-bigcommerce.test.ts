import { globalAgent, type Agent } from 'node:https'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { BACKENDS } from '../helpers/backends.js'
import { clienteleAgent, createdFrom, storedCustomers, twoCustomers, UPDATE, useClientele } from './shared.js'

// node-bigcommerce (4.x) hard-codes https, api.bigcommerce.com and port 443; what it takes is an
// `agent`, passed to https.request (config.agent: not in its README, but in its own tests). The
// recipe (README "Pointing a BigCommerce client at it"): `agent: clienteleAgent(base,
// globalAgent.options)`, an agent with the settings of the default one whose sockets go to
// Clientele. Everything else is the app's config as it was.

/** The part of the untyped package these tests use. */
interface BigCommerceClient {
  get(path: string): Promise<any>
  post(path: string, data: unknown): Promise<any>
  put(path: string, data: unknown): Promise<any>
  delete(path: string): Promise<any>
}
interface BigCommerceConfig {
  clientId: string
  accessToken: string
  storeHash: string
  responseType: 'json'
  apiVersion: 'v3'
  agent?: Agent
}
const BigCommerce = createRequire(import.meta.url)('node-bigcommerce') as new (config: BigCommerceConfig) => BigCommerceClient

/** node-bigcommerce's errors: the status and the raw body are properties of the Error. */
type RequestError = Error & { code: number; responseBody: string }

describe.each(BACKENDS)('%s: node-bigcommerce against Clientele', (backend) => {
  const clientele = useClientele(backend)

  /** The app's client, configured as for a real store, plus the agent. */
  async function client() {
    const { origin, newStore } = clientele()
    const store = await newStore()
    const bigCommerce = new BigCommerce({
      clientId: store.clientId, // sent as X-Auth-Client, which Clientele ignores
      accessToken: store.token,
      storeHash: store.hash,
      responseType: 'json',
      apiVersion: 'v3',
      agent: clienteleAgent(origin, globalAgent.options),
    })
    return { store, bigCommerce }
  }

  it('creates, lists with a filter, updates and deletes customers', async () => {
    const { store, bigCommerce } = await client()
    const [ada, grace] = twoCustomers()

    const created = await bigCommerce.post('/customers', [ada, grace])
    expect(created.data).toEqual([createdFrom(ada), createdFrom(grace)])
    const [adaId, graceId] = created.data.map((c: { id: number }) => c.id)

    // The filter must narrow the list: two customers exist, one matches.
    const listed = await bigCommerce.get(`/customers?email:in=${encodeURIComponent(ada.email)}`)
    expect(listed.data).toEqual([createdFrom(ada)])
    expect(listed.meta.pagination).toMatchObject({ total: 1, count: 1 })

    const updated = await bigCommerce.put('/customers', [{ id: adaId, ...UPDATE }])
    expect(updated.data).toEqual([expect.objectContaining({ id: adaId, email: ada.email, ...UPDATE })])
    const afterUpdate = await bigCommerce.get(`/customers?id:in=${adaId},${graceId}`)
    expect(afterUpdate.data).toEqual([
      expect.objectContaining({ id: adaId, ...UPDATE }),
      expect.objectContaining({ id: graceId, company: '' }),
    ])

    // A 204 resolves with the empty body as it came.
    expect(await bigCommerce.delete(`/customers?id:in=${adaId}`)).toBe('')
    const afterDelete = await bigCommerce.get(`/customers?id:in=${adaId},${graceId}`)
    expect(afterDelete.data).toEqual([expect.objectContaining({ id: graceId, email: grace.email })])
    expect(await storedCustomers(store)).toEqual([expect.objectContaining({ id: graceId })])
  })

  it('rejects a refused write with the status and the BigCommerce error body', async () => {
    const { bigCommerce } = await client()
    const [ada] = twoCustomers()
    await bigCommerce.post('/customers', [ada])

    const error = (await bigCommerce.post('/customers', [ada]).catch((e: unknown) => e)) as RequestError
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe(422)
    expect(JSON.parse(error.responseBody)).toMatchObject({
      status: 422,
      title: 'Create customers failed.',
      errors: { '.customer_create': `Error creating customers: email ${ada.email} already in use` },
    })
  })
})
