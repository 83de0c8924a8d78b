import { Type, type TSchema } from 'typebox'
import { CollectionMeta } from './pagination.js'

// Shapes every resource composes: the error envelope and the `{data, meta}` wrappers.

export const ErrorResponse = Type.Object(
  {
    status: Type.Integer(),
    title: Type.String(),
    type: Type.String(),
    errors: Type.Record(Type.String(), Type.String()),
    detail: Type.Optional(Type.String()),
  },
  { $id: 'ErrorResponse', description: "BigCommerce's error envelope" },
)

/** `meta: {}` of write responses */
export const EmptyMeta = Type.Object({})

/** `{data: [...], meta: {pagination...}}` of list responses */
export const ListResponse = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), meta: CollectionMeta })

/** `{data: [...], meta: {}}` of batch write responses */
export const BatchResponse = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), meta: EmptyMeta })

/** `{data: {...}, meta: {}}` of single-object responses */
export const ObjectResponse = <T extends TSchema>(item: T) => Type.Object({ data: item, meta: EmptyMeta })

/** `id:in` as every DELETE takes it */
export const IdInQuery = Type.Object({
  'id:in': Type.Optional(Type.Array(Type.Integer(), { description: 'Comma-separated ids: `id:in=4,5,6`' })),
})
