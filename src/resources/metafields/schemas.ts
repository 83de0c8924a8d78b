import { Type, type Static, type TSchema } from 'typebox'
import { filterProperties, type FilterFields } from '../../core/filters.js'
import { CursorQuery, PageQuery } from '../../core/pagination.js'
import { ErrorResponse, ListResponse, ObjectResponse } from '../../core/schemas.js'
import type { MetafieldResource } from './resource.js'

// Metafield shapes as customers.v3.latest.yml and carts.v3.yml document them (Metafield,
// MetafieldBase_Post / _Put, the batch responses). What differs between resource types (the
// type of resource_id, the path parameter names) comes from the resource description.

export const PERMISSION_SETS = ['app_only', 'read', 'write', 'read_and_sf_access', 'write_and_sf_access'] as const
export type PermissionSet = (typeof PERMISSION_SETS)[number]

const fields = {
  permission_set: Type.Enum(PERMISSION_SETS, {
    description: 'Who else may see and change it: app_only (its owner), read, write, and the same two also on the storefront.',
  }),
  namespace: Type.String({ minLength: 1, maxLength: 64 }),
  key: Type.String({ minLength: 1, maxLength: 64 }),
  value: Type.String({ minLength: 1, maxLength: 65535 }),
  description: Type.String({ maxLength: 255 }),
}

export const MetafieldCreate = Type.Object({
  permission_set: fields.permission_set,
  namespace: fields.namespace,
  key: fields.key,
  value: fields.value,
  description: Type.Optional(fields.description),
})
export type MetafieldCreate = Static<typeof MetafieldCreate>

const changes = {
  permission_set: Type.Optional(fields.permission_set),
  namespace: Type.Optional(fields.namespace),
  key: Type.Optional(fields.key),
  value: Type.Optional(fields.value),
  description: Type.Optional(fields.description),
}

/** PUT of one metafield: any of its fields; `id`, when sent, must be the URL's. */
export const MetafieldUpdate = Type.Object({ id: Type.Optional(Type.Integer()), ...changes })
export type MetafieldUpdate = Static<typeof MetafieldUpdate>
export type MetafieldChanges = Omit<MetafieldUpdate, 'id'>

/** The most items a batch write takes; more is a 413. */
export const MAX_BATCH = 50

// carts.v3.yml types the ids of a batch PUT as strings ("42"); ids are integers, so both are taken.
const BatchId = Type.Union([Type.Integer(), Type.String({ pattern: '^[0-9]{1,15}$' })], { description: 'Metafield id' })

export const UpdateMetafieldsBody = Type.Array(Type.Object({ id: BatchId, ...changes }), { minItems: 1, maxItems: MAX_BATCH })
export type UpdateMetafieldsBody = Static<typeof UpdateMetafieldsBody>

export const DeleteMetafieldsBody = Type.Array(Type.Integer(), { minItems: 1, maxItems: MAX_BATCH, description: 'Metafield ids' })

export const METAFIELD_FILTERS = {
  key: { column: 'key', type: 'string', ops: ['eq', 'in'], about: 'Metafield key' },
  namespace: { column: 'namespace', type: 'string', ops: ['eq', 'in'], about: 'Metafield namespace' },
  date_created: { column: 'date_created', type: 'date', ops: ['min', 'max'], about: 'Creation date' },
  date_modified: { column: 'date_modified', type: 'date', ops: ['min', 'max'], about: 'Last modification date' },
} as const satisfies FilterFields

/** `include_fields` values; `id` is always included. */
export const METAFIELD_FIELDS = [
  'key', 'value', 'namespace', 'permission_set', 'resource_type', 'resource_id', 'description', 'date_created', 'date_modified',
  'owner_client_id',
] as const
export type MetafieldField = (typeof METAFIELD_FIELDS)[number]

export const ListMetafieldsQuery = Type.Object({
  ...PageQuery,
  ...filterProperties(METAFIELD_FILTERS),
  direction: Type.Optional(Type.Enum(['asc', 'desc'], { description: 'Order by id: asc (default) or desc' })),
  include_fields: Type.Optional(Type.Array(Type.Enum(METAFIELD_FIELDS), { description: 'Fields to return besides id' })),
  ...CursorQuery,
})
export type ListMetafieldsQuery = Static<typeof ListMetafieldsQuery>

// Every field but id is optional so that `include_fields` can leave fields out; the key order is
// the one of BigCommerce's examples (fast-json-stringify writes optional keys in schema order).
function metafieldShape<R extends TSchema>(resourceId: R) {
  return Type.Object({
    id: Type.Integer(),
    key: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
    namespace: Type.Optional(Type.String()),
    permission_set: Type.Optional(Type.Enum(PERMISSION_SETS)),
    resource_type: Type.Optional(Type.String()),
    resource_id: Type.Optional(resourceId),
    description: Type.Optional(Type.String()),
    date_created: Type.Optional(Type.String({ format: 'date-time' })),
    date_modified: Type.Optional(Type.String({ format: 'date-time' })),
    owner_client_id: Type.Optional(Type.String()),
  })
}

const AnyMetafield = metafieldShape(Type.Union([Type.Integer(), Type.String()]))
export type Metafield = Static<typeof AnyMetafield>

const BatchError = Type.Object({
  status: Type.Integer(),
  title: Type.String(),
  type: Type.String(),
  errors: Type.Record(Type.String(), Type.String(), { description: 'item index (or, for DELETE, metafield id) -> what went wrong' }),
})

const WriteMeta = Type.Object({ total: Type.Integer(), success: Type.Integer(), failed: Type.Integer() })

/** A batch write's answer: 200 when every item succeeded, 422 (partial success) otherwise. */
const BatchWriteResponse = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), errors: Type.Array(BatchError), meta: WriteMeta })

// A batch route's 422 is either a partial success or a refused request (bad body): both shapes.
const Batch422 = <T extends TSchema>(item: T) => Type.Union([ErrorResponse, BatchWriteResponse(item)])

/** The shapes of one resource type's routes. */
export function resourceSchemas(resource: MetafieldResource) {
  const resourceId = resource.idKind === 'integer'
    ? Type.Integer({ description: `${resource.label} id` })
    : Type.String({ format: 'uuid', description: `${resource.label} id (UUID)` })
  const metafield = metafieldShape(resource.idKind === 'integer' ? Type.Integer() : Type.String())
  return {
    collectionParams: Type.Object({ [resource.params.resource]: resourceId }),
    itemParams: Type.Object({ [resource.params.resource]: resourceId, [resource.params.metafield]: Type.Integer() }),
    createManyBody: Type.Array(Type.Object({ ...MetafieldCreate.properties, resource_id: resourceId }), { minItems: 1, maxItems: MAX_BATCH }),
    list: ListResponse(metafield),
    single: ObjectResponse(metafield),
    written: BatchWriteResponse(metafield),
    writtenPartly: Batch422(metafield),
    deleted: BatchWriteResponse(Type.Integer()),
    deletedPartly: Batch422(Type.Integer()),
  }
}
