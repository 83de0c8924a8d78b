import { EVENT_SCOPES } from '../db/outbox.js'

// The scopes a webhook may subscribe to (POST and PUT /hooks), and which events a subscription
// receives. The delivery worker matches each event against each hook with scopeMatches.
// Decisions: docs/COMPATIBILITY.md "Webhooks", "Scopes".

/** Wildcards over the events Clientele emits: each covers every scope under its prefix. */
const EMITTED_WILDCARDS = [
  // every store/customer/... event: addresses, the default payment instrument and channel login
  // access included (BigCommerce says "all store/customer events" and leaves the sub-scopes open)
  'store/customer/*',
  'store/customer/address/*',
  // BigCommerce says store/cart/* also covers store/cart/lineItem/*; so it covers the metafield events too
  'store/cart/*',
  // not on BigCommerce's list, but the form its other metafield wildcards take
  'store/cart/metafield/*',
] as const

/**
 * Scopes BigCommerce documents that Clientele never fires (it has no orders, products...): a hook
 * on one is kept and listed and never called, so an app that registers all its hooks at install
 * works unchanged. Taken from BigCommerce's webhook events reference
 * (github.com/bigcommerce/docs docs/integrations/webhooks/events/index.mdx, 2025), less the
 * channel-specific scopes (store/channel/{id}/...) of its channels page; the price-list scopes
 * that page prints with a trailing slash are listed without it.
 */
const SILENT_SCOPES = [
  'store/app/uninstalled',
  'store/brand/metafield/*', 'store/brand/metafield/created', 'store/brand/metafield/updated', 'store/brand/metafield/deleted',
  'store/cart/created', 'store/cart/updated', 'store/cart/deleted', 'store/cart/couponApplied', 'store/cart/abandoned', 'store/cart/converted',
  'store/cart/lineItem/*', 'store/cart/lineItem/created', 'store/cart/lineItem/updated', 'store/cart/lineItem/deleted',
  'store/category/*', 'store/category/created', 'store/category/updated', 'store/category/deleted',
  'store/category/metafield/created', 'store/category/metafield/updated', 'store/category/metafield/deleted',
  'store/hook/deliveryException',
  'store/information/updated',
  'store/inventory/location/metafield/*', 'store/inventory/location/metafield/created',
  'store/inventory/location/metafield/updated', 'store/inventory/location/metafield/deleted',
  'store/metafield/*', 'store/metafield/created', 'store/metafield/updated', 'store/metafield/deleted',
  'store/modifier/updated',
  'store/option/updated',
  'store/order/*', 'store/order/created', 'store/order/updated', 'store/order/archived', 'store/order/statusUpdated',
  'store/order/message/created', 'store/order/refund/created', 'store/order/transaction/created', 'store/order/transaction/updated',
  'store/order/metafield/created', 'store/order/metafield/updated', 'store/order/metafield/deleted',
  'store/priceList/created', 'store/priceList/updated', 'store/priceList/activated', 'store/priceList/deactivated', 'store/priceList/deleted',
  'store/priceLists/deleted',
  'store/priceList/record/created', 'store/priceList/record/updated', 'store/priceList/record/deleted',
  'store/priceList/records/created', 'store/priceList/records/updated', 'store/priceList/records/deleted',
  'store/priceList/assignment/updated', 'store/priceList/assignment/deleted',
  'store/product/*', 'store/product/created', 'store/product/updated', 'store/product/deleted',
  'store/product/inventory/updated', 'store/product/inventory/order/updated',
  'store/product/metafield/*', 'store/product/metafield/created', 'store/product/metafield/updated', 'store/product/metafield/deleted',
  'store/product/variant/metafield/*', 'store/product/variant/metafield/created',
  'store/product/variant/metafield/updated', 'store/product/variant/metafield/deleted',
  'store/shipment/*', 'store/shipment/created', 'store/shipment/updated', 'store/shipment/deleted',
  'store/sku/*', 'store/sku/created', 'store/sku/updated', 'store/sku/deleted', 'store/sku/inventory/updated', 'store/sku/inventory/order/updated',
  'store/subscriber/*', 'store/subscriber/created', 'store/subscriber/updated', 'store/subscriber/deleted',
] as const

const SUBSCRIBABLE: ReadonlySet<string> = new Set<string>([...EVENT_SCOPES, ...EMITTED_WILDCARDS, ...SILENT_SCOPES])

/** Whether a hook may subscribe to `scope` (exact spelling: scopes are case-sensitive). */
export function isSubscribable(scope: string): boolean {
  return SUBSCRIBABLE.has(scope)
}

/**
 * Whether a hook subscribed to `subscribed` receives an event of `eventScope`: the same scope, or
 * a wildcard `a/b/*` over any scope that starts with `a/b/` (so `store/cart/*` covers
 * `store/cart/metafield/created`, and `store/metafield/*` does not).
 */
export function scopeMatches(subscribed: string, eventScope: string): boolean {
  if (subscribed.endsWith('/*')) return eventScope.startsWith(subscribed.slice(0, -1))
  return subscribed === eventScope
}
