import { describe, expect, it } from 'vitest'
import { BACKENDS } from '../helpers/backends.js'
import { createdFrom, storedCustomers, twoCustomers, UPDATE, useClientele } from './shared.js'

// Plain fetch, as an app written against https://api.bigcommerce.com calls it: the base URL is the
// only change (README "Pointing a BigCommerce client at it").

describe.each(BACKENDS)('%s: fetch against Clientele', (backend) => {
  const clientele = useClientele(backend)

  /** The app's own code: `base` is https://api.bigcommerce.com in production. */
  function api(base: string, storeHash: string, token: string) {
    return async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}/stores/${storeHash}/v3${path}`, {
        method,
        headers: {
          'X-Auth-Token': token,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await response.text()
      return { status: response.status, text, body: text === '' ? undefined : JSON.parse(text) }
    }
  }

  it('creates, lists with a filter, updates and deletes customers', async () => {
    const { origin, newStore } = clientele()
    const store = await newStore()
    const call = api(origin, store.hash, store.token)
    const [ada, grace] = twoCustomers()

    const created = await call('POST', '/customers', [ada, grace])
    expect(created.status).toBe(200)
    expect(created.body.data).toEqual([createdFrom(ada), createdFrom(grace)])
    const [adaId, graceId] = created.body.data.map((c: { id: number }) => c.id)

    // The filter must narrow the list: two customers exist, one matches.
    const listed = await call('GET', `/customers?email:in=${encodeURIComponent(ada.email)}`)
    expect(listed.status).toBe(200)
    expect(listed.body.data).toEqual([createdFrom(ada)])
    expect(listed.body.meta.pagination).toMatchObject({ total: 1, count: 1 })

    const updated = await call('PUT', '/customers', [{ id: adaId, ...UPDATE }])
    expect(updated.status).toBe(200)
    expect(updated.body.data).toEqual([expect.objectContaining({ id: adaId, email: ada.email, ...UPDATE })])
    const afterUpdate = await call('GET', `/customers?id:in=${adaId},${graceId}`)
    expect(afterUpdate.body.data).toEqual([
      expect.objectContaining({ id: adaId, ...UPDATE }),
      expect.objectContaining({ id: graceId, company: '' }),
    ])

    const deleted = await call('DELETE', `/customers?id:in=${adaId}`)
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    const afterDelete = await call('GET', `/customers?id:in=${adaId},${graceId}`)
    expect(afterDelete.body.data).toEqual([expect.objectContaining({ id: graceId, email: grace.email })])
    expect(await storedCustomers(store)).toEqual([expect.objectContaining({ id: graceId })])
  })

  it('gets the BigCommerce error body for a rejected write', async () => {
    const { origin, newStore } = clientele()
    const store = await newStore()
    const call = api(origin, store.hash, store.token)
    const [ada] = twoCustomers()
    expect((await call('POST', '/customers', [ada])).status).toBe(200)

    const again = await call('POST', '/customers', [ada])
    expect(again.status).toBe(422)
    expect(again.body).toMatchObject({
      status: 422,
      title: 'Create customers failed.',
      errors: { '.customer_create': `Error creating customers: email ${ada.email} already in use` },
    })
  })
})
