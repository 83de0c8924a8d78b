import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { invalidData } from '../core/errors.js'
import { PLAN_NAMES, PLANS, RATE_LIMIT_BOUNDS, WINDOW_MS, type RateLimit } from '../core/rate-limit-plans.js'
import * as limits from '../stores/rate-limits.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'

// A store's request quota, as the CLI's `limits` commands manage it: one of BigCommerce's plans
// or custom figures. Deleting a store's own quota gives it the deployment's default again.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })
const { minWindowMs, maxWindowMs, maxQuota } = RATE_LIMIT_BOUNDS
const Plan = Type.Enum(PLAN_NAMES, { description: 'BigCommerce plan (BEHAVIOUR 10): standard and plus 150, pro and enterprise 450 per 30 s; unlimited never runs out' })

const Figures = {
  quota: Type.Integer({ minimum: 1, maximum: maxQuota }),
  window_ms: Type.Integer({ minimum: minWindowMs, maximum: maxWindowMs }),
}

const StoreRateLimit = Type.Object({
  store_hash: Type.String(),
  source: Type.Union([Type.Literal('store'), Type.Literal('default')], { description: "store: the store's own; default: DEFAULT_RATE_LIMIT" }),
  plan: Type.Union([Plan, Type.Null()]),
  ...Figures,
  unlimited: Type.Boolean(),
})

// One object rather than a union of two: a mistake is then named by its field, not by every
// branch the body failed to match.
const RateLimitBody = Type.Object(
  {
    plan: Type.Optional(Plan),
    quota: Type.Optional(Type.Integer({ ...Figures.quota, description: 'requests allowed per window, shared by every API account of the store' })),
    window_ms: Type.Optional(Type.Integer({ ...Figures.window_ms, description: `window length in milliseconds (default ${WINDOW_MS}, BigCommerce's)` })),
  },
  { additionalProperties: false, description: 'a plan, or a quota (and window_ms)' },
)

const OneLimit = Type.Object({ data: StoreRateLimit })

function requested(body: Static<typeof RateLimitBody>): RateLimit {
  if (body.plan !== undefined) {
    if (body.quota !== undefined || body.window_ms !== undefined) throw invalidData({ plan: 'give a plan, or a quota (and window_ms), not both' })
    return PLANS[body.plan]
  }
  if (body.quota === undefined) throw invalidData({ quota: 'is required without a plan' })
  return { quota: body.quota, windowMs: body.window_ms ?? WINDOW_MS }
}

const routes: FastifyPluginAsyncTypebox<{ defaultRateLimit: RateLimit }> = async (app, options) => {
  const fallback = options.defaultRateLimit

  app.get('/rate-limits', { schema: { tags, summary: 'The stores that have a quota of their own, and the default of the rest', response: { 200: Type.Object({ data: Type.Array(StoreRateLimit), meta: Type.Object({ default: Type.Object({ plan: Type.Union([Plan, Type.Null()]), ...Figures, unlimited: Type.Boolean() }) }) }), ...errors } } },
    async () => ({
      data: await limits.listRateLimits(app.db),
      meta: { default: { plan: fallback.plan ?? null, quota: fallback.quota, window_ms: fallback.windowMs, unlimited: fallback.unlimited === true } },
    }))

  app.get('/stores/:hash/rate-limit', { schema: { tags, summary: "The quota a store's requests are counted against", params: HashParams, response: { 200: OneLimit, ...errors } } },
    async (req) => ({ data: await limits.getRateLimit(app.db, req.params.hash, fallback) }))

  app.put('/stores/:hash/rate-limit', { schema: { tags, summary: 'Give a store a quota of its own: a plan ({"plan":"pro"}) or figures ({"quota":150,"window_ms":30000})', params: HashParams, body: RateLimitBody, response: { 200: OneLimit, ...errors } } },
    async (req) => ({ data: await limits.setRateLimit(app.db, req.params.hash, requested(req.body), app.clock) }))

  app.delete('/stores/:hash/rate-limit', { schema: { tags, summary: "Drop a store's own quota: it has the default again", params: HashParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await limits.clearRateLimit(app.db, req.params.hash, fallback)
      return reply.code(204).send(null)
    })
}

export default routes
