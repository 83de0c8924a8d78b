// What others use of customers: the lookup key of an email (validate-credentials), and the
// derived columns of a customer row for writers outside this folder (`clientele clone` builds
// store-file rows that must equal what the write path stores). Only this module is imported from
// outside the folder by other resources (.dependency-cruiser.cjs).

export { emailKey } from './email-scope.js'
export { customerJsonHead } from './representation.js'
