// OAuth scopes, as BigCommerce names them. A route names the scopes that admit it; a token
// holding any one of them passes. Read-only scopes admit GET (and HEAD) only.

export const SCOPES = {
  customers: 'store_v2_customers',
  customersRead: 'store_v2_customers_read_only',
  storedInstruments: 'store_stored_payment_instruments',
  storedInstrumentsRead: 'store_stored_payment_instruments_read_only',
  carts: 'store_cart',
  cartsRead: 'store_cart_read_only',
  metafieldsWriteAll: 'store_metafield_write_all',
} as const

export const ALL_SCOPES: readonly string[] = Object.values(SCOPES)

export interface ScopeFamily {
  read: readonly string[]
  write: readonly string[]
}

export const CUSTOMERS: ScopeFamily = {
  read: [SCOPES.customers, SCOPES.customersRead],
  write: [SCOPES.customers],
}

/** Carts; Clientele serves only their metafields. */
export const CARTS: ScopeFamily = {
  read: [SCOPES.carts, SCOPES.cartsRead],
  write: [SCOPES.carts],
}

/** Stored payment instruments: their own scopes; the customers ones do not reach them (BEHAVIOUR 8, 12). */
export const STORED_INSTRUMENTS: ScopeFamily = {
  read: [SCOPES.storedInstruments, SCOPES.storedInstrumentsRead],
  write: [SCOPES.storedInstruments],
}
