import type { Kysely, Updateable, Transaction } from 'kysely'
import { applyFilters, filterKey } from '../../core/filters.js'
import { countSinceLastWrite } from '../../db/cached-counts.js'
import { addToCounter } from '../../db/counters.js'
import { type Database, type MetafieldTable } from '../../db/schema.js'
import { visibleTo, type MetafieldAccount } from './permissions.js'
import type { ParentTable } from './resource.js'
import type { MetafieldRow, NewMetafieldRow } from './rows.js'
import { METAFIELD_FILTERS } from './schemas.js'
import { possibleIds } from '../../db/ids.js'

export type { MetafieldRow, NewMetafieldRow } from './rows.js'

/** Where a list looks: one resource type, and one resource of it or all of them. */
export interface ListScope {
  account: MetafieldAccount
  resourceType: string
  resourceId?: string
}

function matching(db: Kysely<Database>, scope: ListScope, query: Record<string, unknown>) {
  let qb = db
    .selectFrom('metafields')
    .where('store_id', '=', scope.account.storeId)
    .where('resource_type', '=', scope.resourceType)
  if (scope.resourceId !== undefined) qb = qb.where('resource_id', '=', scope.resourceId)
  return applyFilters(visibleTo(qb, scope.account), METAFIELD_FILTERS, query)
}

export function filteredMetafields(db: Kysely<Database>, scope: ListScope, query: Record<string, unknown>) {
  return matching(db, scope, query).selectAll()
}

/**
 * The list total, counted again only after a metafield write (each batch that changed a row
 * moves the store's metafield write version, noteWrite below: db/cached-counts.ts). A store-wide list
 * counted every metafield the account can see on every request.
 */
export async function countMetafields(db: Kysely<Database>, scope: ListScope, query: Record<string, unknown>): Promise<number> {
  const { account, resourceType, resourceId } = scope
  const key = JSON.stringify([resourceType, resourceId ?? null, account.writeAll ? null : account.clientId, filterKey(METAFIELD_FILTERS, query)])
  return countSinceLastWrite(db, account.storeId, 'metafields.lock', key, () => matching(db, scope, query))
}

export async function findMetafields(db: Kysely<Database>, storeId: number, resourceType: string, ids: readonly number[]): Promise<MetafieldRow[]> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return []
  return db
    .selectFrom('metafields')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('resource_type', '=', resourceType)
    .where('id', 'in', possible)
    .execute()
}

/** Which of these resources exist (ids as stored text). */
export async function existingResources(db: Kysely<Database>, storeId: number, table: ParentTable, ids: readonly string[]): Promise<Set<string>> {
  const possible = possibleIds(ids.filter((id) => /^\d{1,10}$/.test(id)).map(Number))
  if (possible.length === 0) return new Set()
  const rows = await db.selectFrom(table).select('id').where('store_id', '=', storeId).where('id', 'in', possible).execute()
  return new Set(rows.map((row) => String(row.id)))
}

/** What must be unique among one owner's metafields of one resource type: resource, namespace and key. */
export function identity(resourceId: string, namespace: string, key: string): string {
  return JSON.stringify([resourceId, namespace, key])
}

/** The identities of an owner's metafields on these resources. */
export async function ownedIdentities(
  db: Kysely<Database>,
  storeId: number,
  resourceType: string,
  resourceIds: readonly string[],
  owner: string,
): Promise<Set<string>> {
  if (resourceIds.length === 0) return new Set()
  const rows = await db
    .selectFrom('metafields')
    .select(['resource_id', 'namespace', 'key'])
    .where('store_id', '=', storeId)
    .where('resource_type', '=', resourceType)
    .where('resource_id', 'in', [...resourceIds])
    .where('owner_client_id', '=', owner)
    .execute()
  return new Set(rows.map((row) => identity(row.resource_id, row.namespace, row.key)))
}

export interface ResourceCount {
  /** the owner's metafields on the resource */
  owned: number
  /** all metafields on the resource */
  total: number
}

export async function countsByResource(
  db: Kysely<Database>,
  storeId: number,
  resourceType: string,
  resourceIds: readonly string[],
  owner: string,
): Promise<Map<string, ResourceCount>> {
  const counts = new Map<string, ResourceCount>(resourceIds.map((id) => [id, { owned: 0, total: 0 }]))
  if (resourceIds.length === 0) return counts
  const rows = await db
    .selectFrom('metafields')
    .select(['resource_id', 'owner_client_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('store_id', '=', storeId)
    .where('resource_type', '=', resourceType)
    .where('resource_id', 'in', [...resourceIds])
    .groupBy(['resource_id', 'owner_client_id'])
    .execute()
  for (const row of rows) {
    const count = counts.get(row.resource_id)!
    count.total += Number(row.n)
    if (row.owner_client_id === owner) count.owned += Number(row.n)
  }
  return counts
}

/** Whether the owner already has another metafield with this namespace and key on the resource. */
export async function identityTaken(
  db: Kysely<Database>,
  row: Pick<MetafieldRow, 'id' | 'store_id' | 'resource_type' | 'resource_id' | 'owner_client_id'>,
  namespace: string,
  key: string,
): Promise<boolean> {
  const found = await db
    .selectFrom('metafields')
    .select('id')
    .where('store_id', '=', row.store_id)
    .where('resource_type', '=', row.resource_type)
    .where('resource_id', '=', row.resource_id)
    .where('owner_client_id', '=', row.owner_client_id)
    .where('namespace', '=', namespace)
    .where('key', '=', key)
    .where('id', '<>', row.id)
    .executeTakeFirst()
  return found !== undefined
}

/**
 * Moves the store's metafield write version, the row of their lock (db/cached-counts.ts,
 * db/locks.ts), once per transaction that changed metafields: by the batch writes after their
 * rows (writes.ts) and by deleteResourceMetafields. Not by the lock itself, since a batch whose
 * every item was refused still commits, and must leave everything as it was.
 */
export function noteWrite(trx: Transaction<Database>, storeId: number): Promise<number> {
  return addToCounter(trx, storeId, 'metafields.lock', 1)
}

/** Inserts metafields; returns the stored rows, in no particular order. */
export async function insertMetafields(trx: Transaction<Database>, rows: NewMetafieldRow[]): Promise<MetafieldRow[]> {
  if (rows.length === 0) return []
  return trx.insertInto('metafields').values(rows).returningAll().execute()
}

export async function updateMetafield(trx: Transaction<Database>, id: number, changes: Updateable<MetafieldTable>): Promise<void> {
  await trx.updateTable('metafields').set(changes).where('id', '=', id).execute()
}

export async function deleteMetafields(trx: Transaction<Database>, ids: readonly number[]): Promise<void> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return
  await trx.deleteFrom('metafields').where('id', 'in', possible).execute()
}

/** Deletes every metafield of these resources, whoever owns it. */
export async function deleteResourceMetafields(trx: Transaction<Database>, storeId: number, resourceType: string, resourceIds: readonly string[]): Promise<void> {
  if (resourceIds.length === 0) return
  await trx
    .deleteFrom('metafields')
    .where('store_id', '=', storeId)
    .where('resource_type', '=', resourceType)
    .where('resource_id', 'in', [...resourceIds])
    .execute()
  await noteWrite(trx, storeId)
}
