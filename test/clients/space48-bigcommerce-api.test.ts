import { Management } from '@space48/bigcommerce-api'
import { describe, expect, it } from 'vitest'
import { BACKENDS } from '../helpers/backends.js'
import { clienteleAgent, createdFrom, type CustomerInput, storedCustomers, twoCustomers, UPDATE, useClientele } from './shared.js'

// @space48/bigcommerce-api (0.3.x) hard-codes https://api.bigcommerce.com/stores/{storeHash} in
// Management.Client; of the transport it takes only an `agent` (its documented option). The
// recipe (README "Pointing a BigCommerce client at it"): `agent: clienteleAgent(base, { keepAlive:
// true, maxSockets: 10 })`, the settings of the agent it makes when given none, with sockets to
// Clientele. Retries and everything else stay the client's own.

/**
 * The client's types (generated from an older BigCommerce spec) make `addresses` required on a
 * create, so a typed app sends an empty list; BigCommerce and Clientele take it as no addresses.
 */
function typed(input: CustomerInput) {
  return { ...input, addresses: [] }
}

describe.each(BACKENDS)('%s: @space48/bigcommerce-api against Clientele', (backend) => {
  const clientele = useClientele(backend)

  /** The app's client, configured as for a real store, plus the agent. */
  async function client() {
    const { origin, newStore } = clientele()
    const store = await newStore()
    const bigCommerce = new Management.Client({
      storeHash: store.hash,
      accessToken: store.token,
      agent: clienteleAgent(origin, { keepAlive: true, maxSockets: 10 }),
    })
    return { store, bigCommerce }
  }

  it('creates, lists with a filter, updates and deletes customers', async () => {
    const { store, bigCommerce } = await client()
    const { v3 } = bigCommerce
    const [ada, grace] = twoCustomers()

    const created = await v3.post('/customers', { body: [typed(ada), typed(grace)] })
    expect(created).toEqual([createdFrom(ada), createdFrom(grace)])
    const [adaId, graceId] = created!.map((c) => c.id!)

    // The filter must narrow the list: two customers exist, one matches. send() keeps the meta.
    const listed = await v3.send('GET /customers', { query: { 'email:in': ada.email } })
    expect(listed.status).toBe(200)
    expect(listed.body.data).toEqual([createdFrom(ada)])
    expect(listed.body.meta.pagination).toMatchObject({ total: 1, count: 1 })

    const updated = await v3.put('/customers', { body: [{ id: adaId!, ...UPDATE }] })
    expect(updated).toEqual([expect.objectContaining({ id: adaId, email: ada.email, ...UPDATE })])
    const afterUpdate = await v3.get('/customers', { query: { 'id:in': [adaId!, graceId!] } })
    expect(afterUpdate).toEqual([
      expect.objectContaining({ id: adaId, ...UPDATE }),
      expect.objectContaining({ id: graceId, company: '' }),
    ])

    // delete() answers null for a 204.
    expect(await v3.delete('/customers', { query: { 'id:in': [adaId!] } })).toBeNull()
    const afterDelete = await v3.get('/customers', { query: { 'id:in': [adaId!, graceId!] } })
    expect(afterDelete).toEqual([expect.objectContaining({ id: graceId, email: grace.email })])
    // list() pages until an empty page: it stops on Clientele's pagination as on BigCommerce's.
    const all = []
    for await (const customer of v3.list('/customers')) all.push(customer)
    expect(all).toEqual([expect.objectContaining({ id: graceId })])
    expect(await storedCustomers(store)).toEqual([expect.objectContaining({ id: graceId })])
  })

  it('throws on a refused write, with the status and the BigCommerce error body', async () => {
    const { bigCommerce } = await client()
    const [ada] = twoCustomers()
    await bigCommerce.v3.post('/customers', { body: [typed(ada)] })

    const response = await bigCommerce.v3.send('POST /customers', { body: [typed(ada)] })
    expect(response.status).toBe(422)
    expect(response.body).toMatchObject({
      status: 422,
      title: 'Create customers failed.',
      errors: { '.customer_create': `Error creating customers: email ${ada.email} already in use` },
    })
    await expect(bigCommerce.v3.post('/customers', { body: [typed(ada)] })).rejects.toThrow(/^ERROR DURING POST \/customers: 422 - /)
  })
})
