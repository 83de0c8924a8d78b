// What other resources use of attribute values (customers: nested writes, includes, schemas).
// Only this module is imported from outside the folder (.dependency-cruiser.cjs).

export { valuesOfCustomers } from './queries.js'
export { AttributeValue, NestedAttributeValue } from './schemas.js'
export { toAttributeValue } from './service.js'
export { upsertValues } from './writes.js'
