import { Type, type Static, type TSchema } from 'typebox'
import { ObjectResponse } from '../../core/schemas.js'
import { MAX_INTEGER } from '../../db/schema.js'

// Customer settings (customers.v3.yml CustomerSettingsObject, CustomerChannelSettingsObject), with
// `ask_shopper_for_tracking_consent_on_checkout`, which real responses carry and the contract's
// schema lacks (BEHAVIOUR 3.10). Key order is that of the observed responses.

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const privacy = {
  ask_shopper_for_tracking_consent: Type.Boolean({ description: 'Whether shoppers are asked for consent to tracking' }),
  policy_url: Type.String({ maxLength: 2048, description: 'URL of the privacy policy' }),
  ask_shopper_for_tracking_consent_on_checkout: Type.Boolean({ description: 'Whether shoppers are asked for consent at checkout' }),
}

const groups = {
  guest_customer_group_id: Type.Integer({ minimum: 0, maximum: MAX_INTEGER, description: 'Customer group of guests; 0: none' }),
  default_customer_group_id: Type.Integer({ minimum: 0, maximum: MAX_INTEGER, description: 'Customer group of new customers; 0: none' }),
}

const AllowGlobalLogins = Type.Boolean({
  description: 'Whether global customers (channel_ids null) may log in on this channel, and whether customers created on it get global access',
})

export const CustomerSettings = Type.Object({
  privacy_settings: Type.Object(privacy),
  customer_group_settings: Type.Object(groups),
})
export type CustomerSettings = Static<typeof CustomerSettings>

/** A channel's overrides: null where the channel takes the store-wide value. */
export const ChannelSettings = Type.Object({
  privacy_settings: Type.Object({
    ask_shopper_for_tracking_consent: Nullable(privacy.ask_shopper_for_tracking_consent),
    policy_url: Nullable(privacy.policy_url),
    ask_shopper_for_tracking_consent_on_checkout: Nullable(privacy.ask_shopper_for_tracking_consent_on_checkout),
  }),
  customer_group_settings: Type.Object({
    guest_customer_group_id: Nullable(groups.guest_customer_group_id),
    default_customer_group_id: Nullable(groups.default_customer_group_id),
  }),
  allow_global_logins: AllowGlobalLogins,
})
export type ChannelSettings = Static<typeof ChannelSettings>

/** PUT: only the fields sent change. */
export const CustomerSettingsUpdate = Type.Object({
  privacy_settings: Type.Optional(Type.Object({
    ask_shopper_for_tracking_consent: Type.Optional(privacy.ask_shopper_for_tracking_consent),
    policy_url: Type.Optional(privacy.policy_url),
    ask_shopper_for_tracking_consent_on_checkout: Type.Optional(privacy.ask_shopper_for_tracking_consent_on_checkout),
  })),
  customer_group_settings: Type.Optional(Type.Object({
    guest_customer_group_id: Type.Optional(groups.guest_customer_group_id),
    default_customer_group_id: Type.Optional(groups.default_customer_group_id),
  })),
})
export type CustomerSettingsUpdate = Static<typeof CustomerSettingsUpdate>

/** PUT on a channel: only the fields sent change; null removes the channel's override. */
export const ChannelSettingsUpdate = Type.Object({
  privacy_settings: Type.Optional(Type.Object({
    ask_shopper_for_tracking_consent: Type.Optional(Nullable(privacy.ask_shopper_for_tracking_consent)),
    policy_url: Type.Optional(Nullable(privacy.policy_url)),
    ask_shopper_for_tracking_consent_on_checkout: Type.Optional(Nullable(privacy.ask_shopper_for_tracking_consent_on_checkout)),
  })),
  customer_group_settings: Type.Optional(Type.Object({
    guest_customer_group_id: Type.Optional(Nullable(groups.guest_customer_group_id)),
    default_customer_group_id: Type.Optional(Nullable(groups.default_customer_group_id)),
  })),
  allow_global_logins: Type.Optional(Nullable(AllowGlobalLogins)),
})
export type ChannelSettingsUpdate = Static<typeof ChannelSettingsUpdate>

export const ChannelParams = Type.Object({ channel_id: Type.Integer({ description: 'Channel id' }) })

export const CustomerSettingsResponse = ObjectResponse(CustomerSettings)
export const ChannelSettingsResponse = ObjectResponse(ChannelSettings)
