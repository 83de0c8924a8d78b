import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import * as limits from '../stores/rate-limits.js'
import { admin, ADMIN_ERRORS as errors } from './admin-errors.js'

// A store's request quota, as the CLI's `limits` commands manage it. Setting one turns the
// X-Rate-Limit-* headers on for the store; deleting it turns them off.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })
const { minWindowMs, maxWindowMs, maxQuota } = limits.RATE_LIMIT_BOUNDS

const StoreRateLimit = Type.Object({
  store_hash: Type.String(),
  enabled: Type.Boolean(),
  quota: Type.Union([Type.Integer(), Type.Null()]),
  window_ms: Type.Union([Type.Integer(), Type.Null()]),
})

const RateLimitBody = Type.Object({
  quota: Type.Integer({ minimum: 1, maximum: maxQuota, description: 'requests allowed per window, shared by every API account of the store' }),
  window_ms: Type.Integer({ minimum: minWindowMs, maximum: maxWindowMs, description: 'window length in milliseconds (BigCommerce: 30000)' }),
})

const OneLimit = Type.Object({ data: StoreRateLimit })

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/rate-limits', { schema: { tags, summary: 'List the stores that have a request quota', response: { 200: Type.Object({ data: Type.Array(StoreRateLimit) }), ...errors } } },
    async () => ({ data: await limits.listRateLimits(app.db) }))

  app.get('/stores/:hash/rate-limit', { schema: { tags, summary: "A store's request quota", params: HashParams, response: { 200: OneLimit, ...errors } } },
    async (req) => ({ data: await admin(() => limits.getRateLimit(app.db, req.params.hash)) }))

  app.put('/stores/:hash/rate-limit', { schema: { tags, summary: "Set a store's request quota (e.g. 150 per 30000 ms)", params: HashParams, body: RateLimitBody, response: { 200: OneLimit, ...errors } } },
    async (req) => ({
      data: await admin(() => limits.setRateLimit(app.db, req.params.hash, { quota: req.body.quota, windowMs: req.body.window_ms }, app.clock)),
    }))

  app.delete('/stores/:hash/rate-limit', { schema: { tags, summary: "Lift a store's request quota", params: HashParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await admin(() => limits.clearRateLimit(app.db, req.params.hash))
      return reply.code(204).send(null)
    })
}

export default routes
