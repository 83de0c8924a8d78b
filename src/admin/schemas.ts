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

export const Snapshot = Type.Object({
  name: Type.String(),
  date_created: Type.String(),
  customers: Type.Integer({ description: 'customers in the snapshot' }),
  rows: Type.Integer({ description: 'rows of every table in the snapshot' }),
  bytes: Type.Integer({ description: 'its size, gzipped' }),
})

export const SnapshotCreate = Type.Object({
  name: Type.String({ description: '1-64 letters, digits, ".", "-" or "_"' }),
  replace: Type.Optional(Type.Boolean({ description: 'replace a snapshot of that name rather than refuse it (409)' })),
}, { additionalProperties: false })
