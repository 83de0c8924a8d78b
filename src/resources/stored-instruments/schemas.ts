import { Type, type Static, type TSchema } from 'typebox'

// Stored payment instruments (customers.v3.yml CardInstrument, PayPalAccountInstrument,
// BankAccountInstrument; BEHAVIOUR 8): the GET answers a bare array. The `...Create` shapes are
// the admin API's, which adds instruments as test fixtures (real stores get them from payments).

const BILLING_FIELDS = [
  'first_name', 'last_name', 'email', 'company', 'address1', 'address2', 'city', 'postal_code',
  'state_or_province', 'state_or_province_code', 'country_code', 'phone',
] as const

const BillingAddress = Type.Object(Object.fromEntries(BILLING_FIELDS.map((field) => [field, Type.String()])) as {
  [K in (typeof BILLING_FIELDS)[number]]: ReturnType<typeof Type.String>
})
export type BillingAddress = Static<typeof BillingAddress>

export const EMPTY_BILLING_ADDRESS = Object.fromEntries(BILLING_FIELDS.map((field) => [field, ''])) as BillingAddress

const common = {
  token: Type.String({ description: 'Identifies the instrument' }),
  is_default: Type.Boolean({ description: "Whether it is the customer's default instrument (at most one is)" }),
}

const card = {
  brand: Type.String({ minLength: 1, maxLength: 32 }),
  expiry_month: Type.Integer({ minimum: 1, maximum: 12 }),
  expiry_year: Type.Integer({ minimum: 0, maximum: 9999 }),
  issuer_identification_number: Type.String({ maxLength: 8 }),
  last_4: Type.String({ pattern: '^[0-9]{4}$' }),
  billing_address: BillingAddress,
}
const paypal = { email: Type.String({ minLength: 1, maxLength: 255 }) }
const bank = { masked_account_number: Type.String({ minLength: 1, maxLength: 64 }), issuer: Type.String({ minLength: 1, maxLength: 64 }) }

export const CardInstrument = Type.Object({ type: Type.Literal('stored_card'), ...common, ...card })
export const PayPalAccountInstrument = Type.Object({ type: Type.Literal('stored_paypal_account'), ...common, ...paypal })
export const BankAccountInstrument = Type.Object({ type: Type.Literal('stored_bank_account'), ...common, ...bank })

export const StoredInstrument = Type.Union([CardInstrument, PayPalAccountInstrument, BankAccountInstrument])
export type StoredInstrument = Static<typeof StoredInstrument>

export const StoredInstrumentList = Type.Array(StoredInstrument)

/** Optional for a fixture: the token (default: random, 64 hex digits like BigCommerce's) and is_default (false). */
const fixture = <K extends string, T extends Record<string, TSchema>>(type: K, fields: T) =>
  Type.Object({
    type: Type.Literal(type),
    token: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    is_default: Type.Optional(Type.Boolean()),
    ...fields,
  })

/** The fixture shape of each instrument type. */
export const INSTRUMENT_FIXTURES = {
  stored_card: fixture('stored_card', {
    ...card,
    issuer_identification_number: Type.Optional(card.issuer_identification_number),
    billing_address: Type.Optional(Type.Partial(BillingAddress)),
  }),
  stored_paypal_account: fixture('stored_paypal_account', paypal),
  stored_bank_account: fixture('stored_bank_account', bank),
}

export const StoredInstrumentCreate = Type.Union([
  INSTRUMENT_FIXTURES.stored_card,
  INSTRUMENT_FIXTURES.stored_paypal_account,
  INSTRUMENT_FIXTURES.stored_bank_account,
])
export type StoredInstrumentCreate = Static<typeof StoredInstrumentCreate>

export const CustomerParams = Type.Object({ customerId: Type.Integer({ description: 'Customer id' }) })
