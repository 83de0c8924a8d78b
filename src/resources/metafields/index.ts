// What other resources use of metafields (customers: a deleted customer's metafields go with it).
// Only this module is imported from outside the folder (.dependency-cruiser.cjs).

export { CUSTOMER_METAFIELDS } from './resources.js'
export { deleteMetafieldsOf } from './service.js'
