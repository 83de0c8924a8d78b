import type { ScopeFamily } from '../../core/scopes.js'
import type { EventScope } from '../../db/outbox.js'

// What the metafield engine needs to know about a resource type to serve its nine operations.
// The engine (schemas, rules, storage, routes) is written once against this description;
// resources.ts lists the descriptions it serves.

/** The nine operations, by the names their operation ids are kept under. */
export type MetafieldOperation =
  | 'list' | 'create' | 'get' | 'update' | 'delete'
  | 'listAll' | 'createMany' | 'updateMany' | 'deleteMany'

/** Tables of resources that metafields may be created for only while they exist; keyed (store_id, id). */
export type ParentTable = 'customers'

export interface MetafieldResource {
  /** `resource_type` of its metafields */
  type: string
  /** what one resource is called in messages: "customer" */
  label: string
  /** the URL segment of the resources: `/customers/{customerId}/metafields`, `/customers/metafields` */
  collection: string
  /** path parameter names, as the spec spells them */
  params: { resource: string; metafield: string }
  /** a resource id is a positive integer, or a UUID (kept lower-case) */
  idKind: 'integer' | 'uuid'
  /** when set, a metafield is created only for a resource present in this table (else 404) */
  parentTable?: ParentTable
  scopes: ScopeFamily
  /** most metafields one API account may keep on one resource; most on one resource in all */
  limits: { perOwner: number; perResource?: number }
  /** the webhook events its metafield writes make (WEBHOOKS.md (c)); none when unset */
  events?: { created: EventScope; updated: EventScope; deleted: EventScope }
  /** OpenAPI tag and operation ids, as the BigCommerce spec names them */
  tag: string
  operationIds: Readonly<Record<MetafieldOperation, string>>
}

/** A resource id as stored: decimal text, or a UUID lower-cased without a `urn:uuid:` prefix. */
export function storedResourceId(resource: MetafieldResource, id: number | string): string {
  return resource.idKind === 'integer' ? String(id) : String(id).toLowerCase().replace(/^urn:uuid:/, '')
}

/** A stored resource id as the API shows it: an integer for integer-keyed resources. */
export function apiResourceId(resource: MetafieldResource, stored: string): number | string {
  return resource.idKind === 'integer' ? Number(stored) : stored
}
