import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import * as deliveries from '../webhooks/deliveries.js'
import { listStoreHooks } from '../webhooks/hooks-view.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'

// A store's webhooks, every account's, and their deliveries: what was sent where, how each attempt went, and a redelivery
// (docs/COMPATIBILITY.md "Webhook delivery"). BigCommerce shows nothing like it; test suites and
// developers use it to see why a receiver got nothing, and to send an event again.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })
const DeliveryParams = Type.Object({ hash: Type.String(), id: Type.Integer() })
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, description: 'default 50' })) })

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

const Delivery = Type.Object({
  id: Type.Integer(),
  event: Type.Object({ id: Type.Integer(), scope: Type.String(), hash: Type.String(), created_at: Type.Integer({ description: 'Unix seconds, as in the envelope' }) }),
  hook: Type.Object({ id: Type.Integer(), destination: Type.String() }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  last_status: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  last_latency_ms: Nullable(Type.Integer()),
  next_attempt_at: Nullable(Type.String({ description: 'ISO 8601; null unless pending' })),
  delivered_at: Nullable(Type.String({ description: 'ISO 8601' })),
})

const Hook = Type.Object({
  id: Type.Integer(),
  client_id: Type.String({ description: 'the API account the hook belongs to' }),
  scope: Type.String(),
  destination: Type.String(),
  is_active: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('deactivated')]),
  created_at: Type.Integer({ description: 'Unix seconds' }),
  updated_at: Type.Integer({ description: 'Unix seconds' }),
})

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/stores/:hash/hooks', {
    schema: { tags, summary: "Every API account's webhooks of a store (the Webhooks API shows an account its own)", params: HashParams, response: { 200: Type.Object({ data: Type.Array(Hook) }), ...errors } },
  }, async (req) => ({ data: await listStoreHooks(app.db, req.params.hash) }))

  app.get('/stores/:hash/webhook-deliveries', {
    schema: {
      tags, summary: "List a store's webhook deliveries, most recent first", params: HashParams, querystring: ListQuery,
      response: { 200: Type.Object({ data: Type.Array(Delivery) }), ...errors },
    },
  }, async (req) => ({ data: await deliveries.listDeliveries(app.db, req.params.hash, req.query.limit ?? 50) }))

  app.post('/stores/:hash/webhook-deliveries/:id/redeliver', {
    schema: {
      tags, summary: 'Send a delivery again: pending, due now, with the whole retry schedule (its hook is not reactivated)',
      params: DeliveryParams, response: { 200: Type.Object({ data: Delivery }), ...errors },
    },
  }, async (req) => ({ data: await deliveries.redeliver(app.db, req.params.hash, req.params.id, Date.now()) }))
}

export default routes
