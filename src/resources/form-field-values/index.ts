// What other resources use of form field values (customers and addresses: their form_fields,
// written and read with them). Only this module is imported from outside the folder
// (.dependency-cruiser.cjs).

export { passwordFieldNames } from './fields.js'
export { toFormFieldValue, valuesOfAddresses, valuesOfCustomers, valuesOfCustomersAddresses } from './queries.js'
export { AddressFormFieldValue, CustomerFormFieldValue, FormFieldInput } from './schemas.js'
export { checkFormFields, hashPasswords, saveFormFieldValues, type FormFieldEntry, type PasswordHashes } from './writes.js'
