import type { Kysely, Transaction } from 'kysely'
import { withOffset } from '../../core/dates.js'
import { resourceNotFound, RuleError } from '../../core/errors.js'
import { fetchPage, readPageRequest, type CollectionMeta } from '../../core/pagination.js'
import { lockStore } from '../../db/locks.js'
import type { Database } from '../../db/schema.js'
import { onlyItem, type BatchOutcome } from './outcomes.js'
import { canSee, type MetafieldAccount } from './permissions.js'
import * as q from './queries.js'
import { apiResourceId, storedResourceId, type MetafieldResource } from './resource.js'
import type { ListMetafieldsQuery, Metafield, MetafieldCreate, MetafieldField, MetafieldUpdate, UpdateMetafieldsBody } from './schemas.js'
import { deleteItems, insertItems, insertItemsIn, updateItems } from './writes.js'

// The metafield operations of one resource type, as the routes call them. Resource ids arrive
// as stored (storedResourceId); the rules live in permissions.ts and writes.ts.

export function toMetafield(row: q.MetafieldRow, resource: MetafieldResource): Metafield {
  return {
    id: row.id,
    key: row.key,
    value: row.value,
    namespace: row.namespace,
    permission_set: row.permission_set as Metafield['permission_set'],
    resource_type: row.resource_type,
    resource_id: apiResourceId(resource, row.resource_id),
    description: row.description,
    date_created: withOffset(row.date_created),
    date_modified: withOffset(row.date_modified),
    owner_client_id: row.owner_client_id,
  }
}

/** `include_fields`: the id and the fields listed; every field when none are. */
function onlyFields(metafield: Metafield, fields: readonly MetafieldField[] | undefined): Metafield {
  if (!fields || fields.length === 0) return metafield
  const picked: Record<string, unknown> = { id: metafield.id }
  for (const field of fields) picked[field] = metafield[field]
  return picked as Metafield
}

function mapOutcome(outcome: BatchOutcome<q.MetafieldRow>, resource: MetafieldResource): BatchOutcome<Metafield> {
  return { ...outcome, data: outcome.data.map((row) => toMetafield(row, resource)) }
}

/** One resource's metafields (`resourceId`), or all of the type's; only those the account can see. */
export async function listMetafields(
  db: Kysely<Database>,
  account: MetafieldAccount,
  resource: MetafieldResource,
  query: ListMetafieldsQuery,
  url: string,
  resourceId?: string,
): Promise<{ data: Metafield[]; meta: CollectionMeta }> {
  const request = readPageRequest(query, url)
  const scope: q.ListScope = { account, resourceType: resource.type, ...(resourceId === undefined ? {} : { resourceId }) }
  const page = await fetchPage({
    query: q.filteredMetafields(db, scope, query),
    idColumn: 'id',
    order: { column: 'id', field: 'id', direction: query.direction ?? 'asc' },
    request,
    total: () => q.countMetafields(db, scope, query),
    cursors: true,
  })
  return { data: page.rows.map((row) => onlyFields(toMetafield(row, resource), query.include_fields)), meta: page.meta }
}

export async function getMetafield(
  db: Kysely<Database>,
  account: MetafieldAccount,
  resource: MetafieldResource,
  resourceId: string,
  id: number,
): Promise<Metafield> {
  const [row] = await q.findMetafields(db, account.storeId, resource.type, [id])
  if (!row || row.resource_id !== resourceId || !canSee(row, account)) throw resourceNotFound()
  return toMetafield(row, resource)
}

export async function createMetafield(
  db: Kysely<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  resourceId: string,
  input: MetafieldCreate,
): Promise<Metafield> {
  return toMetafield(onlyItem(await insertItems(db, now, account, resource, [{ resourceId, input }])), resource)
}

export async function updateMetafield(
  db: Kysely<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  resourceId: string,
  id: number,
  input: MetafieldUpdate,
): Promise<Metafield> {
  if (input.id !== undefined && input.id !== id) throw new RuleError('id', `must be the id of the metafield in the URL (${id})`)
  return toMetafield(onlyItem(await updateItems(db, now, account, resource, [{ id, changes: input, resourceId }])), resource)
}

export async function deleteMetafield(
  db: Kysely<Database>,
  account: MetafieldAccount,
  resource: MetafieldResource,
  resourceId: string,
  id: number,
): Promise<void> {
  onlyItem(await deleteItems(db, account, resource, [id], resourceId))
}

export async function createMetafields(
  db: Kysely<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  items: readonly (MetafieldCreate & { resource_id: number | string })[],
): Promise<BatchOutcome<Metafield>> {
  return mapOutcome(await insertItems(db, now, account, resource, createItems(resource, items)), resource)
}

/** The batch create in the caller's transaction (a bulk writer's); answers the rows' outcome as the batch create does. */
export async function createMetafieldsIn(
  trx: Transaction<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  items: readonly (MetafieldCreate & { resource_id: number | string })[],
): Promise<BatchOutcome<Metafield>> {
  return mapOutcome(await insertItemsIn(trx, now, account, resource, createItems(resource, items)), resource)
}

const createItems = (resource: MetafieldResource, items: readonly (MetafieldCreate & { resource_id: number | string })[]) =>
  items.map((item) => ({ resourceId: storedResourceId(resource, item.resource_id), input: item }))

export async function updateMetafields(
  db: Kysely<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  items: UpdateMetafieldsBody,
): Promise<BatchOutcome<Metafield>> {
  const updates = items.map((item) => ({ id: Number(item.id), changes: item }))
  return mapOutcome(await updateItems(db, now, account, resource, updates), resource)
}

export async function deleteMetafields(
  db: Kysely<Database>,
  account: MetafieldAccount,
  resource: MetafieldResource,
  ids: readonly number[],
): Promise<BatchOutcome<number>> {
  return deleteItems(db, account, resource, ids)
}

/**
 * Deletes every metafield of these resources, whoever owns them: for the caller's transaction
 * that deletes the resources themselves (a deleted customer leaves no metafields, DECISIONS 15).
 */
export async function deleteMetafieldsOf(
  trx: Transaction<Database>,
  storeId: number,
  resource: MetafieldResource,
  resourceIds: readonly (number | string)[],
): Promise<void> {
  if (resourceIds.length === 0) return
  await lockStore(trx, storeId, 'metafields')
  await q.deleteResourceMetafields(trx, storeId, resource.type, resourceIds.map((id) => storedResourceId(resource, id)))
}
