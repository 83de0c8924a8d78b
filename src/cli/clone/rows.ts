import { formatTimestamp } from '../../core/dates.js'
import { channelIds as channelIdsColumn, flag, json, optionalFlag } from '../../db/codecs.js'
import type { Selectable } from 'kysely'
import type { CustomerTable } from '../../db/schema.js'
import { fingerprint, nameKey, type AddressFields } from '../../resources/addresses/index.js'
import { attributeNameKey } from '../../resources/attributes/index.js'
import { customerJsonHead, emailKey } from '../../resources/customers/index.js'
import type { MetafieldResource } from '../../resources/metafields/resource.js'
import { storedResourceId } from '../../resources/metafields/resource.js'
import { allowsGlobalLoginsByDefault } from '../../stores/channels.js'
import type { Row } from '../../stores/dump/format.js'

// From what the API shows to the rows a store file holds (src/stores/dump/tables.ts). The columns
// the API does not show but the write path derives (lookup keys, an address's fingerprint, a
// customer's stored JSON) are made by the functions the write path uses, so that the clone's
// export equals the source's; what the API shows neither directly nor derivably is listed in
// docs/CLONE.md. Fields a source may leave out (real stores omit some) take the API's defaults.

export interface ApiCustomer {
  id: number
  email: string
  first_name: string
  last_name: string
  company?: string
  phone?: string
  notes?: string
  tax_exempt_category?: string
  registration_ip_address?: string
  customer_group_id?: number
  authentication?: { force_password_reset?: boolean }
  accepts_product_review_abandoned_cart_emails?: boolean
  store_credit_amounts?: { amount: number }[]
  origin_channel_id?: number
  channel_ids?: number[] | null
  address_count?: number
  attribute_count?: number
  date_created: string
  date_modified: string
}

export type ApiAddress = Partial<AddressFields> & { id: number; customer_id: number }

export interface ApiAttribute {
  id: number
  name: string
  type: string
  date_created: string
  date_modified: string
}

export interface ApiAttributeValue {
  id: number
  customer_id: number
  attribute_id: number
  attribute_value: string
  date_created: string
  date_modified: string
}

export interface ApiSettings {
  privacy_settings?: { ask_shopper_for_tracking_consent?: boolean | null; policy_url?: string | null; ask_shopper_for_tracking_consent_on_checkout?: boolean | null }
  customer_group_settings?: { guest_customer_group_id?: number | null; default_customer_group_id?: number | null }
  allow_global_logins?: boolean | null
}

export interface ApiConsent {
  allow?: string[]
  deny?: string[]
}

export interface ApiInstrument {
  type: string
  token: string
  is_default?: boolean
  [field: string]: unknown
}

export interface ApiMetafield {
  id: number
  key: string
  value: string
  namespace: string
  permission_set: string
  resource_type?: string
  resource_id: number | string
  description?: string
  date_created: string
  date_modified: string
  owner_client_id: string
}

export interface ApiChannel {
  id: number
  name: string
  date_created?: string
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const integer = (value: unknown, otherwise = 0): number => (Number.isSafeInteger(value) ? (value as number) : otherwise)

/** Any date the API shows (`...Z`, metafields' `+00:00`) as stored: fixed-width UTC text. */
export const timestamp = (value: string): string => formatTimestamp(new Date(value))

export function customerRow(api: ApiCustomer): Row {
  const row: Omit<Selectable<CustomerTable>, 'store_id'> = {
    id: api.id,
    email: api.email,
    email_key: emailKey(api.email),
    first_name: api.first_name,
    last_name: api.last_name,
    name_key: nameKey(api),
    company: text(api.company),
    phone: text(api.phone),
    notes: text(api.notes),
    tax_exempt_category: text(api.tax_exempt_category),
    registration_ip_address: text(api.registration_ip_address),
    customer_group_id: integer(api.customer_group_id),
    // The API never shows a password, nor its hash: a cloned customer has none.
    password_hash: null,
    force_password_reset: flag.encode(api.authentication?.force_password_reset === true),
    accepts_product_review_abandoned_cart_emails: flag.encode(api.accepts_product_review_abandoned_cart_emails === true),
    store_credit_amounts: json<{ amount: number }[]>().encode(api.store_credit_amounts ?? [{ amount: 0 }]),
    origin_channel_id: integer(api.origin_channel_id, 1),
    channel_ids: channelIdsColumn.encode(api.channel_ids ?? null),
    address_count: integer(api.address_count),
    attribute_count: integer(api.attribute_count),
    date_created: timestamp(api.date_created),
    date_modified: timestamp(api.date_modified),
    api_json: null,
  }
  return { ...row, api_json: customerJsonHead(row) }
}

export function addressRow(api: ApiAddress): Row {
  const fields: AddressFields = {
    first_name: text(api.first_name),
    last_name: text(api.last_name),
    company: text(api.company),
    address1: text(api.address1),
    address2: text(api.address2),
    city: text(api.city),
    state_or_province: text(api.state_or_province),
    postal_code: text(api.postal_code),
    country_code: text(api.country_code).toUpperCase(),
    phone: text(api.phone),
    address_type: api.address_type ?? 'residential',
  }
  return { id: api.id, customer_id: api.customer_id, ...fields, name_key: nameKey(fields), fingerprint: fingerprint(fields) }
}

export function attributeRow(api: ApiAttribute): Row {
  return {
    id: api.id,
    name: api.name,
    name_key: attributeNameKey(api.name),
    type: api.type,
    date_created: timestamp(api.date_created),
    date_modified: timestamp(api.date_modified),
  }
}

export function attributeValueRow(api: ApiAttributeValue): Row {
  return {
    id: api.id,
    customer_id: api.customer_id,
    attribute_id: api.attribute_id,
    value: text(api.attribute_value),
    date_created: timestamp(api.date_created),
    date_modified: timestamp(api.date_modified),
  }
}

const optionalInteger = (value: unknown): number | null => (Number.isSafeInteger(value) ? (value as number) : null)
const optionalBoolean = (value: unknown): number | null => optionalFlag.encode(typeof value === 'boolean' ? value : null)

/**
 * A `customer_settings` row, or none when every column is unset. The store-wide answer fills
 * what was never set with defaults (false, "", 0): a default is taken as unset, which answers the
 * same. A channel's answer is null where it takes the store-wide value, and always a boolean for
 * `allow_global_logins`: the channel's default is taken as unset.
 */
export function settingsRow(channelId: number, api: ApiSettings): Row | undefined {
  const privacy = api.privacy_settings ?? {}
  const groups = api.customer_group_settings ?? {}
  const storeWide = channelId === 0
  const unlessDefault = <T>(value: T, fallback: T): T | null => (storeWide && value === fallback ? null : value)
  const columns = {
    ask_shopper_for_tracking_consent: optionalBoolean(unlessDefault(privacy.ask_shopper_for_tracking_consent, false)),
    policy_url: unlessDefault(typeof privacy.policy_url === 'string' ? privacy.policy_url : null, ''),
    ask_shopper_for_tracking_consent_on_checkout: optionalBoolean(unlessDefault(privacy.ask_shopper_for_tracking_consent_on_checkout, false)),
    guest_customer_group_id: optionalInteger(unlessDefault(groups.guest_customer_group_id, 0)),
    default_customer_group_id: optionalInteger(unlessDefault(groups.default_customer_group_id, 0)),
    allow_global_logins:
      storeWide || typeof api.allow_global_logins !== 'boolean' || api.allow_global_logins === allowsGlobalLoginsByDefault(channelId)
        ? null
        : flag.encode(api.allow_global_logins),
  }
  if (Object.values(columns).every((value) => value === null)) return undefined
  return { channel_id: channelId, ...columns }
}

const categories = json<string[]>()

/**
 * A `customer_consents` row, or none for a customer who allowed `essential` only: what a customer
 * without a row answers (docs/COMPATIBILITY.md "Consent"), so the two cannot be told apart.
 */
export function consentRow(customerId: number, api: ApiConsent): Row | undefined {
  const allow = api.allow ?? []
  const deny = api.deny ?? []
  if (deny.length === 0 && allow.length === 1 && allow[0] === 'essential') return undefined
  return { customer_id: customerId, allow: categories.encode(allow), deny: categories.encode(deny) }
}

/** A `stored_instruments` row: the type's own fields are its details, in the order shown. */
export function instrumentRow(customerId: number, api: ApiInstrument, dateCreated: string): Row {
  const { type, token, is_default, ...details } = api
  return { customer_id: customerId, token, type, is_default: flag.encode(is_default === true), details: JSON.stringify(details), date_created: dateCreated }
}

export function metafieldRow(resource: MetafieldResource, api: ApiMetafield): Row {
  return {
    id: api.id,
    resource_type: api.resource_type ?? resource.type,
    resource_id: storedResourceId(resource, api.resource_id),
    owner_client_id: api.owner_client_id,
    namespace: api.namespace,
    key: api.key,
    value: api.value,
    description: text(api.description),
    permission_set: api.permission_set,
    date_created: timestamp(api.date_created),
    date_modified: timestamp(api.date_modified),
  }
}

export function channelRow(id: number, name: string, dateCreated: string): Row {
  return { id, name, date_created: dateCreated }
}
