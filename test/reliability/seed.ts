import { randomUUID } from 'node:crypto'
import { newCustomer, type TestStore } from '../helpers/app.js'
import { newMetafield } from '../helpers/metafields.js'

// A store with a little of everything the API serves, made through the API, so that reads have
// something to show (and to leak, if a check were missing). Returns a value for each path
// parameter name that names one of these records; anything else is given '1'.

export async function seedStore(store: TestStore, text: string): Promise<(param: string) => string> {
  const created = await store.request('POST', '/customers', [
    newCustomer({ first_name: text, notes: text, email: `${text}.1@seed.test` }),
    newCustomer({ first_name: text, company: text, email: `${text}.2@seed.test` }),
  ])
  if (created.status !== 200) throw new Error(`seeding customers: ${created.status} ${created.text}`)
  const customerId = String(created.body.data[0].id)
  const values: Record<string, string> = { customerId, customer_id: customerId, channel_id: '1' }

  const metafield = await store.request('POST', `/customers/${customerId}/metafields`, newMetafield({ value: text, namespace: text.slice(0, 60) }))
  if (metafield.status === 200) values.metafieldId = String(metafield.body.data.id)

  const cartId = randomUUID()
  const cartMetafield = await store.request('POST', `/carts/${cartId}/metafields`, newMetafield({ value: text }))
  if (cartMetafield.status === 200) {
    values.cart_id = cartId
    values.metafield_id = String(cartMetafield.body.data.id)
  }
  return (param) => values[param] ?? '1'
}
