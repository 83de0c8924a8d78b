import type { Kysely, Transaction } from 'kysely'
import { RuleError } from '../../core/errors.js'
import type { Database } from '../../db/schema.js'
import { existingChannels, globalLoginsAllowed, lockChannelMembership } from '../../stores/channels.js'

// A customer's channels (BEHAVIOUR 3.2, 3.10): `channel_ids` and `origin_channel_id` name
// channels of the store (an empty list is already refused by the schema), and a customer created
// without channel_ids gets global access only where its origin channel grants it.

interface ChannelFields {
  channel_ids?: number[] | null
  origin_channel_id?: number
}

/**
 * Refuses the first item naming a channel the store does not have: 422 on `<i>.channel_ids` or
 * `<i>.origin_channel_id`. The channels checked stay until the transaction ends (the membership
 * lock, stores/channels.ts).
 */
export async function checkChannels(
  trx: Transaction<Database>,
  storeId: number,
  items: readonly ChannelFields[],
): Promise<void> {
  const named = items.flatMap((item) => [...(item.channel_ids ?? []), ...(item.origin_channel_id === undefined ? [] : [item.origin_channel_id])])
  if (named.length === 0) return
  await lockChannelMembership(trx, storeId, 'shared')
  const existing = await existingChannels(trx, storeId, named)
  items.forEach((item, i) => {
    if (item.origin_channel_id !== undefined && !existing.has(item.origin_channel_id)) {
      throw new RuleError(`${i}.origin_channel_id`, `channel ${item.origin_channel_id} does not exist`)
    }
    const missing = item.channel_ids?.find((id) => !existing.has(id))
    if (missing !== undefined) throw new RuleError(`${i}.channel_ids`, `channel ${missing} does not exist`)
  })
}

/**
 * The channel_ids new customers start with: as sent (null is global access); when omitted, global
 * if their origin channel allows global logins, else that channel alone. The spec's
 * CustomerChannelSettingsObject: allow_global_logins "determines if customers created on this
 * channel will get global access".
 */
export async function channelIdsOnCreate(db: Kysely<Database>, storeId: number, items: readonly ChannelFields[]): Promise<(number[] | null)[]> {
  const origins = [...new Set(items.filter((item) => item.channel_ids === undefined).map((item) => item.origin_channel_id ?? 1))]
  const allows = new Map<number, boolean>()
  for (const origin of origins) allows.set(origin, (await globalLoginsAllowed(db, storeId, origin)) ?? true)
  return items.map((item) => {
    if (item.channel_ids !== undefined) return item.channel_ids
    const origin = item.origin_channel_id ?? 1
    return allows.get(origin) ? null : [origin]
  })
}
