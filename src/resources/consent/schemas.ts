import { Type, type Static } from 'typebox'

// A customer's consent to tracking by storefront scripts (customers.v3.yml consent_Full,
// DeclareCustomerConsentRequest; BEHAVIOUR 7). Both answers are bare objects, no {data, meta}.

/** In the order responses list them; `essential` is the always-on category. */
export const CONSENT_CATEGORIES = ['essential', 'functional', 'analytics', 'targeting'] as const
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number]

const Categories = Type.Array(Type.Enum(CONSENT_CATEGORIES), { uniqueItems: true })

export const Consent = Type.Object({
  allow: Categories,
  deny: Categories,
  updated_at: Type.String({ format: 'date-time', description: 'The time of the request, as BigCommerce answers (BEHAVIOUR 7)' }),
})
export type Consent = Static<typeof Consent>

/** The complete answer: a category sent in neither list is neither allowed nor denied. */
export const ConsentUpdate = Type.Object({
  allow: Type.Optional(Categories),
  deny: Type.Optional(Categories),
})
export type ConsentUpdate = Static<typeof ConsentUpdate>

export const CustomerParams = Type.Object({ customerId: Type.Integer({ description: 'Customer id' }) })
