import { expect } from 'vitest'
import { createChannel } from '../../src/stores/channels.js'
import { admin } from './admin.js'
import type { TestApp, TestStore } from './app.js'
import { postCustomers } from './customers.js'
import { AKRON, defineFormFields } from './subresources.js'

// A store with a row in every table a store file holds, written through the API and the admin
// API as an app and a test suite would: what the export, import and snapshot tests carry across.

async function ok(response: Promise<{ status: number; body: any }>): Promise<any> {
  const res = await response
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
  return res.body
}

export async function fillStore(t: TestApp, store: TestStore): Promise<void> {
  await createChannel(t.db, store.hash, { id: 2, name: 'Wholesale' })
  await ok(admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { plan: 'pro' }))
  await ok(store.request('PUT', '/customers/settings', { privacy_settings: { ask_shopper_for_tracking_consent: true, policy_url: 'https://shop.example.com/privacy' } }))
  await ok(store.request('PUT', '/customers/settings/channels/2', { customer_group_settings: { default_customer_group_id: 4 } }))
  await defineFormFields(t, store, { form: 'customer', name: 'Sales Rep', type: 'text' }, { form: 'address', name: 'Floor', type: 'numbers' })
  const attributes = await ok(store.request('POST', '/customers/attributes', [{ name: 'Shoe size', type: 'number' }, { name: 'Nickname', type: 'string' }]))
  const [shoe, nickname] = attributes.data.map((a: { id: number }) => a.id)
  const customers = await postCustomers(
    store,
    { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', company: 'Engines', phone: '555-0100', notes: 'first', authentication: { new_password: 'Secret-123' } },
    { email: 'alan@example.com', first_name: 'Alan', last_name: 'Turing', channel_ids: [2], origin_channel_id: 2, store_credit_amounts: [{ amount: 12.5 }] },
    { email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper', accepts_product_review_abandoned_cart_emails: true },
  )
  const [ada, alan, grace] = customers.map((c) => c.id)
  // A gap in the ids, as deletes leave: an import keeps ids, and the next id after them.
  await ok(store.request('DELETE', `/customers?id:in=${grace}`))
  const addresses = await ok(store.request('POST', '/customers/addresses', [{ ...AKRON, customer_id: ada }, { ...AKRON, address1: '2 Main St', customer_id: alan }]))
  await ok(store.request('PUT', '/customers/attribute-values', [
    { customer_id: ada, attribute_id: shoe, value: '38' },
    { customer_id: alan, attribute_id: nickname, value: 'Prof' },
  ]))
  await ok(store.request('PUT', '/customers/form-field-values', [
    { customer_id: ada, name: 'Sales Rep', value: 'Q' },
    { address_id: addresses.data[0].id, name: 'Floor', value: 3 },
  ]))
  await ok(store.request('PUT', `/customers/${ada}/consent`, { allow: ['functional'], deny: ['targeting'] }))
  await ok(admin(t, 'POST', `/stores/${store.hash}/customers/${alan}/stored-instruments`, { type: 'stored_paypal_account', token: 'paypal-1', is_default: true, email: 'alan@example.com' }))
  await ok(store.request('POST', `/customers/${ada}/metafields`, { namespace: 'app', key: 'tier', value: 'gold', permission_set: 'read' }))
  await ok(store.request('POST', '/carts/3f1e9a8c-2b7d-4c6e-9f0a-1b2c3d4e5f60/metafields', { namespace: 'app', key: 'gift', value: 'yes', permission_set: 'write' }))
  await ok(store.request('POST', '/hooks', { scope: 'store/customer/created', destination: 'https://app.example.com/hooks', is_active: true }))
}
