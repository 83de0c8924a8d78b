import { Type, type Static } from 'typebox'
import { DATE_FILTER_FORMAT } from '../../core/query-parser.js'
import { CollectionMeta, PageQuery } from '../../core/pagination.js'
import { ListResponse, ObjectResponse } from '../../core/schemas.js'
import { MAX_INTEGER } from '../../db/schema.js'

// Webhook shapes as webhooks.v3.yml documents them (webhook_Base, webhook_Put, webhook_Full,
// the /hooks/admin and /hooks/events responses). Decisions: docs/COMPATIBILITY.md "Webhooks".

/** One hook per store + account + scope + destination; at most this many per store + account + scope (WEBHOOKS.md (a)). */
export const MAX_HOOKS_PER_SCOPE = 10

export const HOOK_STATUSES = ['active', 'inactive', 'deactivated'] as const
export type HookStatus = (typeof HOOK_STATUSES)[number]

const scope = Type.String({ minLength: 1, maxLength: 255, description: 'The event subscribed to, e.g. `store/customer/created`, or a wildcard `store/customer/*`' })
const destination = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'https on port 443; http to localhost, 127.0.0.1 or [::1] on any port',
})
const headers = Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()], {
  description: 'Custom headers sent with every delivery',
})
const eventsHistory = Type.Boolean({ description: 'Deprecated; accepted and ignored: always false' })

export const HookCreate = Type.Object({
  scope,
  destination,
  is_active: Type.Optional(Type.Boolean({ description: 'Default true' })),
  headers: Type.Optional(headers),
  events_history_enabled: Type.Optional(eventsHistory),
})
export type HookCreate = Static<typeof HookCreate>

export const HookUpdate = Type.Object({
  scope: Type.Optional(scope),
  destination: Type.Optional(destination),
  is_active: Type.Optional(Type.Boolean({ description: 'true also reactivates a deactivated hook' })),
  headers: Type.Optional(headers),
  events_history_enabled: Type.Optional(eventsHistory),
})
export type HookUpdate = Static<typeof HookUpdate>

export const HookParams = Type.Object({
  store_hash: Type.String(),
  webhook_id: Type.Integer({ minimum: 1, maximum: MAX_INTEGER }),
})

/** webhook_Full: its own fields, then webhook_Base's, as the spec's examples list them. */
export const Hook = Type.Object({
  id: Type.Integer(),
  client_id: Type.String(),
  store_hash: Type.String(),
  created_at: Type.Integer({ description: 'Unix seconds' }),
  updated_at: Type.Integer({ description: 'Unix seconds' }),
  scope: Type.String(),
  destination: Type.String(),
  is_active: Type.Boolean(),
  headers,
  events_history_enabled: Type.Boolean({ description: 'Always false, as BigCommerce answers' }),
})
export type Hook = Static<typeof Hook>

/** A hooks_list item of /hooks/admin, in the spec's order there. */
export const AdminHook = Type.Object({
  id: Type.Integer(),
  client_id: Type.String(),
  store_hash: Type.String(),
  scope: Type.String(),
  destination: Type.String(),
  headers,
  is_active: Type.Boolean(),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
  status: Type.Enum(HOOK_STATUSES),
})
export type AdminHook = Static<typeof AdminHook>

const BlockedDomain = Type.Object({
  destination: Type.String(),
  time_left: Type.Integer({ description: 'Seconds left on the denylist' }),
  reasons: Type.Array(Type.Object({ failure_description: Type.String(), count: Type.Integer(), timestamp: Type.Integer() })),
})
export type BlockedDomain = Static<typeof BlockedDomain>

const isActive = Type.Optional(Type.Boolean({ description: 'Only active (true) or only inactive and deactivated (false) hooks' }))

export const ListHooksQuery = Type.Object({
  ...PageQuery,
  is_active: isActive,
  scope: Type.Optional(Type.String({ description: 'Exactly this scope (a wildcard matches only itself)' })),
  destination: Type.Optional(Type.String({ description: 'Exactly this destination' })),
})
export type ListHooksQuery = Static<typeof ListHooksQuery>

export const AdminQuery = Type.Object({ ...PageQuery, is_active: isActive })
export type AdminQuery = Static<typeof AdminQuery>

export const AdminUpdate = Type.Object({
  emails: Type.Array(Type.String({ format: 'email', maxLength: 255 }), { maxItems: 100, description: 'Replaces the list' }),
})
export type AdminUpdate = Static<typeof AdminUpdate>

const dateBound = (about: string) =>
  Type.Optional(Type.String({ format: DATE_FILTER_FORMAT, description: `${about}: ISO 8601 date or date-time, or a Unix timestamp` }))

export const ListEventsQuery = Type.Object({
  ...PageQuery,
  'created_at:min': dateBound('Created at or after'),
  'created_at:max': dateBound('Created at or before'),
})
export type ListEventsQuery = Static<typeof ListEventsQuery>

/** HistoryEvent: a delivery's body (db/outbox.ts envelopeOf), in its key order. */
export const HistoryEvent = Type.Object({
  scope: Type.String(),
  store_id: Type.String(),
  data: Type.Object({}, { additionalProperties: true }),
  hash: Type.String(),
  created_at: Type.Integer(),
  producer: Type.String(),
})

export const HookResponse = ObjectResponse(Hook)
export const HookList = ListResponse(Hook)
export const EventList = ListResponse(HistoryEvent)
export const AdminResponse = Type.Object({
  data: Type.Object({
    emails: Type.Array(Type.String()),
    hooks_list: Type.Array(AdminHook),
    blocked_domains: Type.Array(BlockedDomain),
  }),
  meta: CollectionMeta,
})
