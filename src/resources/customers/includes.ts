import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import { groupBy } from '../../db/rows.js'
import { addressesOfCustomers, toAddress, type Address } from '../addresses/index.js'
import { toAttributeValue, valuesOfCustomers as attributeValuesOf, type AttributeValue } from '../attribute-values/index.js'
import {
  toFormFieldValue,
  valuesOfCustomers as formFieldValuesOf,
  valuesOfCustomersAddresses,
  type AddressFormFieldValue,
  type CustomerFormFieldValue,
} from '../form-field-values/index.js'

// `include=addresses,attributes,formfields` on GET /customers: the sub-resources of every
// customer of the page, one query per kind whatever the page size (never one per customer):
// addresses, attribute values, customer form field values, and, when both addresses and
// formfields are asked for, the form field values of those addresses. At most four queries.

export interface Included {
  addresses?: Map<number, Address[]>
  attributes?: Map<number, AttributeValue[]>
  formFields?: Map<number, CustomerFormFieldValue[]>
}

export async function loadIncludes(
  db: Kysely<Database>,
  storeId: number,
  customerIds: number[],
  include: ReadonlySet<string>,
): Promise<Included> {
  const included: Included = {}
  if (customerIds.length === 0) return included
  const formfields = include.has('formfields')
  const [addresses, addressFields, attributes, customerFields] = await Promise.all([
    include.has('addresses') ? addressesOfCustomers(db, storeId, customerIds) : undefined,
    include.has('addresses') && formfields ? valuesOfCustomersAddresses(db, storeId, customerIds) : undefined,
    include.has('attributes') ? attributeValuesOf(db, storeId, customerIds) : undefined,
    formfields ? formFieldValuesOf(db, storeId, customerIds) : undefined,
  ])
  if (addresses) {
    const fieldsOf = addressFields ? groupBy(addressFields, (row) => row.address_id!) : undefined
    const objects = addresses.map((row) =>
      toAddress(row, fieldsOf ? (fieldsOf.get(row.id) ?? []).map((v) => toFormFieldValue(v) as AddressFormFieldValue) : undefined),
    )
    included.addresses = groupBy(objects, (address) => address.customer_id)
  }
  if (attributes) included.attributes = groupBy(attributes.map(toAttributeValue), (value) => value.customer_id)
  if (customerFields) {
    included.formFields = groupBy(customerFields.map((row) => toFormFieldValue(row) as CustomerFormFieldValue), (value) => value.customer_id)
  }
  return included
}
