import { randomUUID } from 'node:crypto'
import { faker } from '@faker-js/faker'
import type { EventScope } from '../db/outbox.js'
import * as addresses from '../resources/addresses/service.js'
import * as customers from '../resources/customers/service.js'
import { CART_METAFIELDS } from '../resources/metafields/resources.js'
import * as metafields from '../resources/metafields/service.js'
import { addInstrument } from '../resources/stored-instruments/fixtures.js'
import { StoreAdminError } from '../stores/lookup.js'
import type { Db } from './shared.js'

// The changes `clientele webhooks trigger <scope>` makes: realistic ones (fake names from faker),
// through the services, so the event goes out by the normal path (the outbox, then the running
// server's delivery worker). Loaded only by that command: faker is large.

export interface Target {
  db: Db
  storeId: number
  storeHash: string
  /** an existing customer to change, else a fresh fake one is made */
  customerId?: number
}

const now = () => new Date()

async function customerOf(target: Target): Promise<number> {
  if (target.customerId !== undefined) return target.customerId
  const [made] = await customers.createCustomers(target.db, now(), target.storeId, [
    { email: faker.internet.email().toLowerCase(), first_name: faker.person.firstName(), last_name: faker.person.lastName() },
  ])
  return made!.id
}

async function addressOf(target: Target): Promise<number> {
  const customerId = await customerOf(target)
  const [address] = await addresses.createAddresses(target.db, now(), target.storeId, [
    {
      customer_id: customerId, first_name: faker.person.firstName(), last_name: faker.person.lastName(),
      address1: faker.location.streetAddress(), city: 'Akron', state_or_province: 'Ohio', postal_code: '44325', country_code: 'US',
    },
  ])
  return address!.id
}

/** The first API account of the store: cart metafields belong to an account. */
async function accountOf(target: Target) {
  const row = await target.db.selectFrom('api_accounts').select('client_id').where('store_id', '=', target.storeId).orderBy('id').executeTakeFirst()
  if (!row) throw new StoreAdminError('invalid', `store "${target.storeHash}" has no API account to own a cart metafield`)
  return { storeId: target.storeId, clientId: row.client_id, writeAll: false }
}

async function cartMetafield(target: Target): Promise<{ id: number; cart: string }> {
  const cart = randomUUID()
  const made = await metafields.createMetafield(target.db, now(), await accountOf(target), CART_METAFIELDS, cart, {
    namespace: 'clientele.trigger', key: faker.string.alphanumeric(8), value: faker.commerce.productName(), permission_set: 'app_only',
  })
  return { id: made.id, cart }
}

/** The change each scope is triggered by. */
export const TRIGGERS: Record<EventScope, (target: Target) => Promise<unknown>> = {
  'store/customer/created': (target) => customerOf({ ...target, customerId: undefined }),
  'store/customer/updated': async (target) =>
    customers.updateCustomers(target.db, now(), target.storeId, [{ id: await customerOf(target), notes: faker.lorem.sentence() }]),
  'store/customer/deleted': async (target) => customers.deleteCustomers(target.db, target.storeId, [await customerOf(target)]),
  'store/customer/address/created': (target) => addressOf(target),
  'store/customer/address/updated': async (target) =>
    addresses.updateAddresses(target.db, now(), target.storeId, [{ id: await addressOf(target), address2: faker.location.secondaryAddress() }]),
  'store/customer/address/deleted': async (target) => addresses.deleteAddresses(target.db, target.storeId, [await addressOf(target)]),
  'store/customer/payment/instrument/default/updated': async (target) =>
    addInstrument(target.db, target.storeHash, await customerOf(target), {
      type: 'stored_card', is_default: true, brand: 'VISA', expiry_month: 12, expiry_year: new Date().getFullYear() + 3,
      issuer_identification_number: '411111', last_4: '1111',
    }),
  'store/customer/channel/login/access/updated': async (target) => {
    const id = await customerOf(target)
    const [current] = await customers.updateCustomers(target.db, now(), target.storeId, [{ id }])
    // Flip between global access and channel 1 alone: either way channel_ids change.
    return customers.updateCustomers(target.db, now(), target.storeId, [{ id, channel_ids: current!.channel_ids === null ? [1] : null }])
  },
  'store/cart/metafield/created': (target) => cartMetafield(target),
  'store/cart/metafield/updated': async (target) => {
    const { id, cart } = await cartMetafield(target)
    return metafields.updateMetafield(target.db, now(), await accountOf(target), CART_METAFIELDS, cart, id, { value: faker.commerce.productName() })
  },
  'store/cart/metafield/deleted': async (target) => {
    const { id, cart } = await cartMetafield(target)
    return metafields.deleteMetafield(target.db, await accountOf(target), CART_METAFIELDS, cart, id)
  },
}

