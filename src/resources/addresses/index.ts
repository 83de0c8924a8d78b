// What other resources use of addresses (customers: nested writes, includes, schemas; the clone:
// an address row's derived columns). Only this module is imported from outside the folder
// (.dependency-cruiser.cjs).

export { addressesOfCustomers } from './queries.js'
export { fingerprint, type AddressFields } from './rules.js'
export { Address, NestedAddressCreate } from './schemas.js'
export { toAddress } from './service.js'
export { insertNewAddresses, nameKey } from './writes.js'
