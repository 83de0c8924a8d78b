import type { Kysely, Transaction } from 'kysely'
import { formatTimestamp, systemClock, type Clock } from '../core/dates.js'
import { isUniqueViolation } from '../db/dialect.js'
import { optionalFlag } from '../db/codecs.js'
import { lockKeys } from '../db/locks.js'
import { MAX_INTEGER, type Database } from '../db/schema.js'
import { StoreAdminError, storeIdOf } from './lookup.js'
import { isPossibleId, possibleIds } from '../db/ids.js'

// A store's channels (its storefronts). BigCommerce manages them through its Channels API, which
// Clientele does not serve: the CLI and the admin API add them here. Channel 1 comes with every
// store and cannot be removed. Customers, settings and logins read them through the lookups below.

export interface Channel {
  id: number
  name: string
  date_created: string
}

export const DEFAULT_CHANNEL = 1

/** Whether a channel lets global customers (channel_ids null) log in when its settings do not say: channel 1 only (BEHAVIOUR 3.10). */
export const allowsGlobalLoginsByDefault = (channelId: number): boolean => channelId === DEFAULT_CHANNEL

export async function listChannels(db: Kysely<Database>, storeHash: string): Promise<Channel[]> {
  const storeId = await storeIdOf(db, storeHash)
  return db.selectFrom('channels').select(['id', 'name', 'date_created']).where('store_id', '=', storeId).orderBy('id').execute()
}

export interface NewChannel {
  /** default: one more than the highest id of the store */
  id?: number
  name: string
}

export async function createChannel(db: Kysely<Database>, storeHash: string, input: NewChannel, clock: Clock = systemClock): Promise<Channel> {
  if (input.id !== undefined && !isPossibleId(input.id)) {
    throw new StoreAdminError('invalid', `channel id must be an integer from 1 to ${MAX_INTEGER}`)
  }
  if (input.name.trim() === '') throw new StoreAdminError('invalid', 'a channel needs a name')
  const storeId = await storeIdOf(db, storeHash)
  const id = input.id ?? (await highestChannelId(db, storeId)) + 1
  const channel = { id, name: input.name, date_created: formatTimestamp(clock()) }
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('channels').values({ store_id: storeId, ...channel }).execute()
      // Settings a deleted channel of this id left behind (a PUT racing its deletion) are not the new channel's.
      await trx.deleteFrom('customer_settings').where('store_id', '=', storeId).where('channel_id', '=', id).execute()
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreAdminError('conflict', `channel ${id} already exists in store "${storeHash}"`)
    throw error
  }
  return channel
}

async function highestChannelId(db: Kysely<Database>, storeId: number): Promise<number> {
  const row = await db.selectFrom('channels').select((eb) => eb.fn.max('id').as('id')).where('store_id', '=', storeId).executeTakeFirst()
  return Number(row?.id ?? 0)
}

export async function renameChannel(db: Kysely<Database>, storeHash: string, id: number, name: string): Promise<Channel> {
  if (name.trim() === '') throw new StoreAdminError('invalid', 'a channel needs a name')
  const storeId = await storeIdOf(db, storeHash)
  const row = isPossibleId(id)
    ? await db
        .updateTable('channels')
        .set({ name })
        .where('store_id', '=', storeId)
        .where('id', '=', id)
        .returning(['id', 'name', 'date_created'])
        .executeTakeFirst()
    : undefined
  if (!row) throw new StoreAdminError('not_found', `no channel ${id} in store "${storeHash}"`)
  return row
}

/**
 * Removes a channel and its customer settings. Channel 1 stays; so does a channel some customer
 * was created on or may log in to (their channel_ids would name a channel that is gone).
 */
export async function deleteChannel(db: Kysely<Database>, storeHash: string, id: number): Promise<void> {
  if (id === DEFAULT_CHANNEL) throw new StoreAdminError('conflict', 'channel 1 is the default channel of every store and cannot be deleted')
  const storeId = await storeIdOf(db, storeHash)
  await db.transaction().execute(async (trx) => {
    await lockChannelMembership(trx, storeId, 'exclusive')
    const users = await customersUsing(trx, storeId, id)
    if (users > 0) {
      throw new StoreAdminError('conflict', `channel ${id} is used by ${users} customer(s) (origin_channel_id or channel_ids); change them first`)
    }
    await trx.deleteFrom('customer_settings').where('store_id', '=', storeId).where('channel_id', '=', id).execute()
    const result = await trx.deleteFrom('channels').where('store_id', '=', storeId).where('id', '=', id).executeTakeFirst()
    if (Number(result.numDeletedRows) === 0) throw new StoreAdminError('not_found', `no channel ${id} in store "${storeHash}"`)
  })
}

/**
 * How many customers were created on a channel or list it in channel_ids. channel_ids is stored
 * as JSON.stringify of an integer array (`[2,13]`: no spaces), so the id as a whole list element
 * is one of four LIKE patterns; this runs only when an operator deletes a channel.
 */
async function customersUsing(db: Kysely<Database>, storeId: number, id: number): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('store_id', '=', storeId)
    .where((eb) =>
      eb.or([
        eb('origin_channel_id', '=', id),
        ...[`[${id}]`, `[${id},%`, `%,${id},%`, `%,${id}]`].map((pattern) => eb('channel_ids', 'like', pattern)),
      ]),
    )
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Customer writers that name channels hold this lock shared from their check that the channels
 * exist until they commit; a channel deletion holds it exclusive from its count of the channel's
 * customers until it commits. So a customer never ends up in a channel deleted meanwhile
 * (channel_ids is a JSON column, which no foreign key can guard), and customer writers do not
 * wait for each other.
 */
export async function lockChannelMembership(trx: Transaction<Database>, storeId: number, mode: 'shared' | 'exclusive'): Promise<void> {
  await lockKeys(trx, storeId, ['channel-membership'], mode)
}

/** Which of these channel ids exist in the store. */
export async function existingChannels(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<Set<number>> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return new Set()
  const rows = await db.selectFrom('channels').select('id').where('store_id', '=', storeId).where('id', 'in', possible).execute()
  return new Set(rows.map((row) => row.id))
}

/**
 * Whether global customers may log in on a channel (its allow_global_logins, set or default), or
 * undefined when the store has no such channel.
 */
export async function globalLoginsAllowed(db: Kysely<Database>, storeId: number, channelId: number): Promise<boolean | undefined> {
  if (!isPossibleId(channelId)) return undefined
  const row = await db
    .selectFrom('channels')
    .leftJoin('customer_settings', (join) =>
      join.onRef('customer_settings.store_id', '=', 'channels.store_id').onRef('customer_settings.channel_id', '=', 'channels.id'),
    )
    .select('customer_settings.allow_global_logins')
    .where('channels.store_id', '=', storeId)
    .where('channels.id', '=', channelId)
    .executeTakeFirst()
  if (!row) return undefined
  return optionalFlag.decode(row.allow_global_logins) ?? allowsGlobalLoginsByDefault(channelId)
}
