import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'
import type { Database, WebhookTable } from '../../db/schema.js'

// The webhooks resource's queries. Every hook query names the account (client id) as well as the
// store: another account's hooks are not there for it. Row changes take a Transaction.

export type HookRow = Selectable<WebhookTable>
export type NewHookRow = Omit<Insertable<WebhookTable>, 'id'>

export interface HookOwner {
  storeId: number
  clientId: string
}

export interface HookFilter {
  /** true: status active; false: inactive or deactivated */
  isActive?: boolean
  scope?: string
  destination?: string
}

export function ownHooks(db: Kysely<Database>, owner: HookOwner, filter: HookFilter = {}) {
  let qb = db.selectFrom('webhooks').selectAll().where('store_id', '=', owner.storeId).where('client_id', '=', owner.clientId)
  if (filter.isActive !== undefined) qb = qb.where('status', filter.isActive ? '=' : '<>', 'active')
  if (filter.scope !== undefined) qb = qb.where('scope', '=', filter.scope)
  if (filter.destination !== undefined) qb = qb.where('destination', '=', filter.destination)
  return qb
}

export async function countOwnHooks(db: Kysely<Database>, owner: HookOwner, filter: HookFilter = {}): Promise<number> {
  const row = await ownHooks(db, owner, filter).clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export function findHook(db: Kysely<Database>, owner: HookOwner, id: number): Promise<HookRow | undefined> {
  return ownHooks(db, owner).where('id', '=', id).executeTakeFirst()
}

export async function insertHook(trx: Transaction<Database>, row: NewHookRow): Promise<number> {
  const inserted = await trx.insertInto('webhooks').values(row).returning('id').executeTakeFirstOrThrow()
  return inserted.id
}

export async function updateHook(trx: Transaction<Database>, owner: HookOwner, id: number, changes: Updateable<WebhookTable>): Promise<void> {
  await trx.updateTable('webhooks').set(changes).where('store_id', '=', owner.storeId).where('client_id', '=', owner.clientId).where('id', '=', id).execute()
}

/** Deletes a hook; its deliveries go with it (the foreign key cascades). */
export async function deleteHook(trx: Transaction<Database>, owner: HookOwner, id: number): Promise<void> {
  await trx.deleteFrom('webhooks').where('store_id', '=', owner.storeId).where('client_id', '=', owner.clientId).where('id', '=', id).execute()
}

export async function adminEmailsOf(db: Kysely<Database>, owner: HookOwner): Promise<string | undefined> {
  const row = await db
    .selectFrom('webhook_admin_emails')
    .select('emails')
    .where('store_id', '=', owner.storeId)
    .where('client_id', '=', owner.clientId)
    .executeTakeFirst()
  return row?.emails
}

export async function writeAdminEmails(trx: Transaction<Database>, owner: HookOwner, emails: string): Promise<void> {
  await trx
    .insertInto('webhook_admin_emails')
    .values({ store_id: owner.storeId, client_id: owner.clientId, emails })
    .onConflict((oc) => oc.columns(['store_id', 'client_id']).doUpdateSet({ emails }))
    .execute()
}

export interface EventWindow {
  /** Unix seconds, inclusive */
  from?: number
  to?: number
}

/** The store's events that some hook of this account failed to deliver (every retry used). */
export function failedEvents(db: Kysely<Database>, owner: HookOwner, window: EventWindow) {
  let qb = db
    .selectFrom('webhook_events')
    .selectAll()
    .where('store_id', '=', owner.storeId)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.hook_id')
        .select('webhook_deliveries.event_id')
        .where('webhook_deliveries.store_id', '=', owner.storeId)
        .where('webhook_deliveries.status', '=', 'failed')
        .where('webhooks.client_id', '=', owner.clientId),
    )
  if (window.from !== undefined) qb = qb.where('created_at', '>=', window.from)
  if (window.to !== undefined) qb = qb.where('created_at', '<=', window.to)
  return qb
}

export async function countFailedEvents(db: Kysely<Database>, owner: HookOwner, window: EventWindow): Promise<number> {
  const row = await failedEvents(db, owner, window).clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The account's destination domains blocked now (written by the delivery workers' denylist). */
export async function blocksOf(db: Kysely<Database>, owner: HookOwner, nowMs: number) {
  return db
    .selectFrom('webhook_blocks')
    .select(['domain', 'blocked_until', 'reasons'])
    .where('client_id', '=', owner.clientId)
    .where('blocked_until', '>', nowMs)
    .orderBy('domain')
    .execute()
}
