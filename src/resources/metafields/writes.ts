import type { Kysely, Transaction, Updateable } from 'kysely'
import { formatTimestamp } from '../../core/dates.js'
import { METAFIELD_MISSING, metafieldExists, metafieldLimitReached, resourceNotFound } from '../../core/errors.js'
import { lockStore } from '../../db/locks.js'
import { recordEvents } from '../../db/outbox.js'
import type { Database, MetafieldTable } from '../../db/schema.js'
import { failure, type BatchOutcome, type ItemFailure } from './outcomes.js'
import { canSee, deleteRefusal, updateRefusal, type MetafieldAccount } from './permissions.js'
import * as q from './queries.js'
import { apiResourceId, type MetafieldResource } from './resource.js'
import type { MetafieldChanges, MetafieldCreate } from './schemas.js'

// The metafield writes, batch-first. Each runs in one transaction that first takes the store's
// metafield lock, then checks every item against the rules (existence, visibility, ownership,
// uniqueness, limits) before writing it: a failed item leaves no trace, the others are written.

export interface CreateItem {
  /** as stored (storedResourceId) */
  resourceId: string
  input: MetafieldCreate
}

export interface UpdateItem {
  id: number
  changes: MetafieldChanges
  /** single-object routes: the metafield must belong to this resource (else 404) */
  resourceId?: string
}

/** The fields a write takes from a request item: only these, whatever else the item holds. */
function editable(changes: MetafieldChanges): Updateable<MetafieldTable> {
  const picked: Updateable<MetafieldTable> = {}
  for (const field of ['permission_set', 'namespace', 'key', 'value', 'description'] as const) {
    if (changes[field] !== undefined) picked[field] = changes[field]
  }
  return picked
}

/**
 * What a batch's changed rows leave beside them, once per batch: the store's metafield write
 * version moved (only when a row changed: a batch whose every item was refused still commits,
 * and must leave everything as it was), and one event per row for a resource type that has
 * events (carts).
 */
async function recordChanges(
  trx: Transaction<Database>,
  storeId: number,
  resource: MetafieldResource,
  change: 'created' | 'updated' | 'deleted',
  rows: readonly q.MetafieldRow[],
): Promise<void> {
  if (rows.length === 0) return
  await q.noteWrite(trx, storeId)
  const scope = resource.events?.[change]
  if (!scope) return
  await recordEvents(trx, storeId, rows.map((row) => ({ scope, data: { metafield_id: row.id, resource_id: row.resource_id, namespace: row.namespace } })))
}

export async function insertItems(
  db: Kysely<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  items: readonly CreateItem[],
): Promise<BatchOutcome<q.MetafieldRow>> {
  return db.transaction().execute((trx) => insertItemsIn(trx, now, account, resource, items))
}

/** The batch create inside the caller's transaction: each item written or refused on its own. */
export async function insertItemsIn(
  trx: Transaction<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  items: readonly CreateItem[],
): Promise<BatchOutcome<q.MetafieldRow>> {
  const stamp = formatTimestamp(now)
  const { storeId, clientId } = account
  await lockStore(trx, storeId, 'metafields')
  const resourceIds = [...new Set(items.map((item) => item.resourceId))]
  const existing = resource.parentTable ? await q.existingResources(trx, storeId, resource.parentTable, resourceIds) : undefined
  const taken = await q.ownedIdentities(trx, storeId, resource.type, resourceIds, clientId)
  const counts = await q.countsByResource(trx, storeId, resource.type, resourceIds, clientId)

  const accepted: q.NewMetafieldRow[] = []
  const failures: ItemFailure[] = []
  items.forEach(({ resourceId, input }, i) => {
    const count = counts.get(resourceId)!
    const id = q.identity(resourceId, input.namespace, input.key)
    const { perOwner, perResource } = resource.limits
    if (existing && !existing.has(resourceId)) {
      failures.push(failure(i, resourceNotFound(), `${resource.label} ${apiResourceId(resource, resourceId)} does not exist`))
    } else if (taken.has(id)) {
      failures.push(failure(i, metafieldExists(input.namespace, input.key, resource.label)))
    } else if (count.owned >= perOwner) {
      failures.push(failure(i, metafieldLimitReached(`a ${resource.label} holds at most ${perOwner} metafields of one API account`)))
    } else if (perResource !== undefined && count.total >= perResource) {
      failures.push(failure(i, metafieldLimitReached(`a ${resource.label} holds at most ${perResource} metafields`)))
    } else {
      taken.add(id)
      count.owned += 1
      count.total += 1
      accepted.push({
        store_id: storeId,
        resource_type: resource.type,
        resource_id: resourceId,
        owner_client_id: clientId,
        namespace: input.namespace,
        key: input.key,
        value: input.value,
        description: input.description ?? '',
        permission_set: input.permission_set,
        date_created: stamp,
        date_modified: stamp,
      })
    }
  })

  // RETURNING gives no order on SQLite: match the rows back by their (unique) identity.
  const inserted = new Map((await q.insertMetafields(trx, accepted)).map((row) => [q.identity(row.resource_id, row.namespace, row.key), row]))
  const data = accepted.map((row) => inserted.get(q.identity(row.resource_id, row.namespace, row.key))!)
  await recordChanges(trx, storeId, resource, 'created', data)
  return { data, failures, total: items.length }
}

export async function updateItems(
  db: Kysely<Database>,
  now: Date,
  account: MetafieldAccount,
  resource: MetafieldResource,
  items: readonly UpdateItem[],
): Promise<BatchOutcome<q.MetafieldRow>> {
  const stamp = formatTimestamp(now)
  return db.transaction().execute(async (trx) => {
    await lockStore(trx, account.storeId, 'metafields')
    const rows = new Map((await q.findMetafields(trx, account.storeId, resource.type, items.map((item) => item.id))).map((row) => [row.id, row]))
    const data: q.MetafieldRow[] = []
    const failures: ItemFailure[] = []
    // One item at a time, each written before the next is checked: an item may rename a
    // metafield into a namespace and key that an earlier item freed or took.
    for (const [i, item] of items.entries()) {
      const row = rows.get(item.id)
      if (!row || !canSee(row, account) || (item.resourceId !== undefined && row.resource_id !== item.resourceId)) {
        failures.push(failure(i, resourceNotFound(), METAFIELD_MISSING))
        continue
      }
      const refusal = updateRefusal(row, item.changes, account)
      if (refusal) {
        failures.push(failure(i, refusal))
        continue
      }
      const namespace = item.changes.namespace ?? row.namespace
      const key = item.changes.key ?? row.key
      if ((namespace !== row.namespace || key !== row.key) && (await q.identityTaken(trx, row, namespace, key))) {
        failures.push(failure(i, metafieldExists(namespace, key, resource.label)))
        continue
      }
      const changes = { ...editable(item.changes), date_modified: stamp }
      await q.updateMetafield(trx, row.id, changes)
      const updated = { ...row, ...changes }
      rows.set(row.id, updated)
      data.push(updated)
    }
    await recordChanges(trx, account.storeId, resource, 'updated', data)
    return { data, failures, total: items.length }
  })
}

/** Deletes metafields by id; an id given twice counts once. */
export async function deleteItems(
  db: Kysely<Database>,
  account: MetafieldAccount,
  resource: MetafieldResource,
  ids: readonly number[],
  resourceId?: string,
): Promise<BatchOutcome<number>> {
  const unique = [...new Set(ids)]
  return db.transaction().execute(async (trx) => {
    await lockStore(trx, account.storeId, 'metafields')
    const rows = new Map((await q.findMetafields(trx, account.storeId, resource.type, unique)).map((row) => [row.id, row]))
    const deleted: number[] = []
    const failures: ItemFailure[] = []
    for (const id of unique) {
      const row = rows.get(id)
      if (!row || !canSee(row, account) || (resourceId !== undefined && row.resource_id !== resourceId)) {
        failures.push(failure(id, resourceNotFound(), METAFIELD_MISSING))
        continue
      }
      const refusal = deleteRefusal(row, account)
      if (refusal) failures.push(failure(id, refusal))
      else deleted.push(id)
    }
    await q.deleteMetafields(trx, deleted)
    await recordChanges(trx, account.storeId, resource, 'deleted', deleted.map((id) => rows.get(id)!))
    return { data: deleted, failures, total: unique.length }
  })
}
