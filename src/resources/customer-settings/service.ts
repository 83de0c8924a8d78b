import type { Kysely } from 'kysely'
import { resourceNotFound } from '../../core/errors.js'
import { optionalFlag } from '../../db/codecs.js'
import type { Database } from '../../db/schema.js'
import { allowsGlobalLoginsByDefault, existingChannels, lockChannelMembership } from '../../stores/channels.js'
import { findSettings, STORE_WIDE, writeSettings, type SettingsColumns, type SettingsRow } from './queries.js'
import type { ChannelSettings, ChannelSettingsUpdate, CustomerSettings, CustomerSettingsUpdate } from './schemas.js'

// Store-wide customer settings and each channel's overrides (BEHAVIOUR 3.10, DECISIONS 9). A
// store that never set them answers the defaults a new BigCommerce store shows: no consent
// prompts, no policy URL, no customer groups. A channel answers only its own overrides, null
// where it takes the store-wide value, and always its allow_global_logins.

const bool = (value: number | null | undefined): boolean | null => optionalFlag.decode(value ?? null)
const flag = optionalFlag.encode

function toSettings(row: SettingsRow | undefined): CustomerSettings {
  return {
    privacy_settings: {
      ask_shopper_for_tracking_consent: bool(row?.ask_shopper_for_tracking_consent) ?? false,
      policy_url: row?.policy_url ?? '',
      ask_shopper_for_tracking_consent_on_checkout: bool(row?.ask_shopper_for_tracking_consent_on_checkout) ?? false,
    },
    customer_group_settings: {
      guest_customer_group_id: row?.guest_customer_group_id ?? 0,
      default_customer_group_id: row?.default_customer_group_id ?? 0,
    },
  }
}

function toChannelSettings(row: SettingsRow | undefined, channelId: number): ChannelSettings {
  return {
    privacy_settings: {
      ask_shopper_for_tracking_consent: bool(row?.ask_shopper_for_tracking_consent),
      policy_url: row?.policy_url ?? null,
      ask_shopper_for_tracking_consent_on_checkout: bool(row?.ask_shopper_for_tracking_consent_on_checkout),
    },
    customer_group_settings: {
      guest_customer_group_id: row?.guest_customer_group_id ?? null,
      default_customer_group_id: row?.default_customer_group_id ?? null,
    },
    allow_global_logins: bool(row?.allow_global_logins) ?? allowsGlobalLoginsByDefault(channelId),
  }
}

/** The columns a PUT body sets (null clears a channel's override); fields not sent are left out. */
function columnsOf(body: ChannelSettingsUpdate): SettingsColumns {
  const columns: SettingsColumns = {}
  const privacy = body.privacy_settings ?? {}
  const groups = body.customer_group_settings ?? {}
  if (privacy.ask_shopper_for_tracking_consent !== undefined) columns.ask_shopper_for_tracking_consent = flag(privacy.ask_shopper_for_tracking_consent)
  if (privacy.policy_url !== undefined) columns.policy_url = privacy.policy_url
  if (privacy.ask_shopper_for_tracking_consent_on_checkout !== undefined) {
    columns.ask_shopper_for_tracking_consent_on_checkout = flag(privacy.ask_shopper_for_tracking_consent_on_checkout)
  }
  if (groups.guest_customer_group_id !== undefined) columns.guest_customer_group_id = groups.guest_customer_group_id
  if (groups.default_customer_group_id !== undefined) columns.default_customer_group_id = groups.default_customer_group_id
  if (body.allow_global_logins !== undefined) columns.allow_global_logins = flag(body.allow_global_logins)
  return columns
}

export async function getSettings(db: Kysely<Database>, storeId: number): Promise<CustomerSettings> {
  return toSettings(await findSettings(db, storeId, STORE_WIDE))
}

export async function updateSettings(db: Kysely<Database>, storeId: number, body: CustomerSettingsUpdate): Promise<CustomerSettings> {
  await db.transaction().execute((trx) => writeSettings(trx, storeId, STORE_WIDE, columnsOf(body)))
  return getSettings(db, storeId)
}

async function requireChannel(db: Kysely<Database>, storeId: number, channelId: number): Promise<void> {
  if (!(await existingChannels(db, storeId, [channelId])).has(channelId)) throw resourceNotFound()
}

export async function getChannelSettings(db: Kysely<Database>, storeId: number, channelId: number): Promise<ChannelSettings> {
  await requireChannel(db, storeId, channelId)
  return toChannelSettings(await findSettings(db, storeId, channelId), channelId)
}

export async function updateChannelSettings(
  db: Kysely<Database>,
  storeId: number,
  channelId: number,
  body: ChannelSettingsUpdate,
): Promise<ChannelSettings> {
  // Under the channel membership lock (src/stores/channels.ts), so a channel deleted meanwhile
  // leaves no settings behind: the write either lands before the deletion (which removes it) or
  // finds the channel gone.
  const row = await db.transaction().execute(async (trx) => {
    await lockChannelMembership(trx, storeId, 'shared')
    await requireChannel(trx, storeId, channelId)
    await writeSettings(trx, storeId, channelId, columnsOf(body))
    return findSettings(trx, storeId, channelId)
  })
  return toChannelSettings(row, channelId)
}
