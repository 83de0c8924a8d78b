import { BigCommerceApiClient } from 'bigcommerce-api-client'
import { describe, expect, it } from 'vitest'
import { BACKENDS } from '../helpers/backends.js'
import { createdFrom, storedCustomers, twoCustomers, UPDATE, useClientele } from './shared.js'

// bigcommerce-api-client (0.7.x) builds its axios instance with the base URL
// https://api.bigcommerce.com/stores/{storeHash} and exposes it as `apiClient.axiosInstance`
// (public in its typings). The recipe (README "Pointing a BigCommerce client at it"): set that
// instance's `defaults.baseURL` after construction. Retries, the cache and the date conversion
// are the instance's interceptors and transforms, so they stay as they were.

/** What the client throws on a refused request: the axios error is the cause. */
type ClientError = Error & { cause: { response: { status: number; data: unknown } } }

describe.each(BACKENDS)('%s: bigcommerce-api-client against Clientele', (backend) => {
  const clientele = useClientele(backend)

  /** The app's client, configured as for a real store, with the base URL replaced. */
  async function client() {
    const { origin, newStore } = clientele()
    const store = await newStore()
    const bigCommerce = new BigCommerceApiClient({ storeHash: store.hash, accessToken: store.token })
    bigCommerce.apiClient.axiosInstance.defaults.baseURL = `${origin}/stores/${store.hash}`
    return { store, bigCommerce }
  }

  it('creates, lists with a filter, updates and deletes customers', async () => {
    const { store, bigCommerce } = await client()
    const customers = bigCommerce.customersV3
    const [ada, grace] = twoCustomers()

    const created = await customers.createCustomers([ada, grace])
    expect(created.data).toEqual([createdFrom(ada), createdFrom(grace)])
    const [adaId, graceId] = created.data!.map((c) => c.id!)
    // The client turns the dates into Dates: it parsed Clientele's date format.
    const dateCreated: unknown = created.data![0]!.date_created
    expect(dateCreated).toBeInstanceOf(Date)
    expect(Number.isNaN((dateCreated as Date).getTime())).toBe(false)

    // The filter must narrow the list: two customers exist, one matches.
    const listed = await customers.getAllCustomers({ 'email:in': ada.email })
    expect(listed.data).toEqual([createdFrom(ada)])
    expect(listed.meta.pagination).toMatchObject({ total: 1, count: 1 })

    const updated = await customers.updateCustomers([{ id: adaId!, ...UPDATE }])
    expect(updated.data).toEqual([expect.objectContaining({ id: adaId, email: ada.email, ...UPDATE })])
    const afterUpdate = await customers.getAllCustomers({ 'id:in': [adaId!, graceId!] })
    expect(afterUpdate.data).toEqual([
      expect.objectContaining({ id: adaId, ...UPDATE }),
      expect.objectContaining({ id: graceId, company: '' }),
    ])

    await customers.deleteCustomers({ 'id:in': [adaId!] })
    const afterDelete = await customers.getAllCustomers({ 'id:in': [adaId!, graceId!] })
    expect(afterDelete.data).toEqual([expect.objectContaining({ id: graceId, email: grace.email })])
    expect(await storedCustomers(store)).toEqual([expect.objectContaining({ id: graceId })])
  })

  it('throws on a refused write, with the status and the BigCommerce error body', async () => {
    const { bigCommerce } = await client()
    const [ada] = twoCustomers()
    await bigCommerce.customersV3.createCustomers([ada])

    const error = (await bigCommerce.customersV3.createCustomers([ada]).catch((e: unknown) => e)) as ClientError
    expect(error).toBeInstanceOf(Error)
    expect(error.cause.response.status).toBe(422)
    expect(error.cause.response.data).toMatchObject({
      status: 422,
      title: 'Create customers failed.',
      errors: { '.customer_create': `Error creating customers: email ${ada.email} already in use` },
    })
  })
})
