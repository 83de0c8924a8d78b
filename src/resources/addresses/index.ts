// What other resources use of addresses (customers: nested writes, includes, schemas). Only this
// module is imported from outside the folder (.dependency-cruiser.cjs).

export { addressesOfCustomers } from './queries.js'
export { Address, NestedAddressCreate } from './schemas.js'
export { toAddress } from './service.js'
export { insertNewAddresses } from './writes.js'
