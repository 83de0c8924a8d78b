import { Type } from 'typebox'

export const Store = Type.Object({ hash: Type.String(), name: Type.String(), date_created: Type.String() })

export const StoreCreate = Type.Object({
  hash: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
})

export const Account = Type.Object({
  client_id: Type.String(),
  store_hash: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  date_created: Type.String(),
})

export const CreatedAccount = Type.Object({ ...Account.properties, access_token: Type.String(), client_secret: Type.String() })

export const AccountCreate = Type.Object({
  scopes: Type.Array(Type.String(), { minItems: 1 }),
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
})
