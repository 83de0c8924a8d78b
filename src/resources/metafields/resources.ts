import { CARTS, CUSTOMERS } from '../../core/scopes.js'
import type { MetafieldResource } from './resource.js'

// The resource types whose metafields Clientele serves. Another one (product, order...) is one
// more entry here; app.ts registers the routes of every entry (docs/ARCHITECTURE.md "Metafields").

export const CUSTOMER_METAFIELDS: MetafieldResource = {
  type: 'customer',
  label: 'customer',
  collection: 'customers',
  params: { resource: 'customerId', metafield: 'metafieldId' },
  idKind: 'integer',
  // No metafields for a customer that does not exist: they would be orphans (DECISIONS 15).
  parentTable: 'customers',
  scopes: CUSTOMERS,
  limits: { perOwner: 250 },
  // No source names a customer metafield event (WEBHOOKS.md (c)): its writes make none.
  tag: 'Customer metafields',
  operationIds: {
    list: 'getCustomersMetafields',
    create: 'createCustomerMetafields',
    get: 'getMetafieldsCustomerId',
    update: 'updateCustomerMetafield',
    delete: 'deleteCustomerMetafieldsId',
    listAll: 'getAllCustomersMetafields',
    createMany: 'createCustomersMetafields',
    updateMany: 'updateCustomersMetafields',
    deleteMany: 'deleteCustomersMetafields',
  },
}

// Carts are not stored by Clientele: any cart UUID takes metafields, and they outlive the cart
// (an order keeps referring to its cart's metafields: carts.v3.yml, DECISIONS 15).
export const CART_METAFIELDS: MetafieldResource = {
  type: 'cart',
  label: 'cart',
  collection: 'carts',
  params: { resource: 'cart_id', metafield: 'metafield_id' },
  idKind: 'uuid',
  scopes: CARTS,
  limits: { perOwner: 10, perResource: 250 },
  events: { created: 'store/cart/metafield/created', updated: 'store/cart/metafield/updated', deleted: 'store/cart/metafield/deleted' },
  tag: 'Cart metafields',
  operationIds: {
    list: 'getCartMetafields',
    create: 'createCartMetafield',
    get: 'getCartMetafield',
    update: 'updateCartMetafield',
    delete: 'deleteCartMetafield',
    listAll: 'getCartsMetafields',
    createMany: 'createCartsMetafields',
    updateMany: 'updateCartsMetafields',
    deleteMany: 'deleteCartsMetafields',
  },
}

export const METAFIELD_RESOURCES: readonly MetafieldResource[] = [CUSTOMER_METAFIELDS, CART_METAFIELDS]
