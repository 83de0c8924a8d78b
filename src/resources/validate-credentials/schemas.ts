import { Type, type Static } from 'typebox'
import { MAX_INTEGER } from '../../db/schema.js'

// POST /customers/validate-credentials (customers.v3.yml ValidateCustomerCredentialsObject and
// ...ResponseObject, BEHAVIOUR 3.7): a bare object in, a bare object out.

export const ValidateCredentialsBody = Type.Object({
  email: Type.String({ maxLength: 255, description: 'Compared case-insensitively' }),
  password: Type.String(),
  channel_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INTEGER, description: 'The channel to log in on; default 1' })),
})
export type ValidateCredentialsBody = Static<typeof ValidateCredentialsBody>

export const ValidateCredentialsResult = Type.Object({
  is_valid: Type.Boolean(),
  customer_id: Type.Union([Type.Integer(), Type.Null()], { description: 'The customer logged in; null when is_valid is false' }),
})
export type ValidateCredentialsResult = Static<typeof ValidateCredentialsResult>
