import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { ownerOf } from './auth.js'
import type { CounterStore } from './counter-store.js'
import { tooManyRequests } from './errors.js'
import { PLANS, type RateLimit } from './rate-limit-plans.js'

// BigCommerce's limits (BEHAVIOUR 10, docs/COMPATIBILITY.md "Limits"), as two onRequest hooks
// that run after auth, before the body is read, so a refused request never reaches a handler:
//   1. the store's request quota (its own, else the deployment's default): every response
//      carries the four X-Rate-Limit-* headers; past the quota, 429 with X-Retry-After. An
//      unlimited quota is announced the same way and never counted;
//   2. the route's concurrency cap (`config: { concurrency: 3 }`): one request more than the
//      cap in flight for the store is a 429; the slot is given back when the response ends.
// Counts live in the app's CounterStore: in memory, or in Redis shared by every node.

declare module 'fastify' {
  interface FastifyInstance {
    /** quota windows and concurrency slots (counter-store.ts) */
    counters: CounterStore
  }
  interface FastifyContextConfig {
    /** at most this many requests of one store on this route at a time (BEHAVIOUR 10) */
    concurrency?: number
  }
}

/**
 * How long a concurrency slot may be held before it frees itself in a shared store: longer than
 * any request takes (the request timeout), short enough that a node killed mid-request does not
 * hold its slots for long.
 */
export const SLOT_LEASE_MS = 60_000

export const RATE_LIMIT_HEADERS = {
  window: 'x-rate-limit-time-window-ms',
  reset: 'x-rate-limit-time-reset-ms',
  quota: 'x-rate-limit-requests-quota',
  left: 'x-rate-limit-requests-left',
  retryAfter: 'x-retry-after',
} as const

/**
 * A counter store that cannot be reached lets requests through: limits protect the service, and
 * refusing every request while Redis is away would be the larger outage. /readyz reports it.
 */
async function orLetThrough<T>(req: FastifyRequest, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work()
  } catch (error) {
    req.log.warn({ err: error }, 'limit counters unavailable; request let through')
    return undefined
  }
}

export interface LimitsOptions {
  /** the quota of a store that has none of its own (DEFAULT_RATE_LIMIT); unlimited when not given */
  defaultRateLimit?: RateLimit
}

function announce(reply: FastifyReply, limit: RateLimit, resetMs: number, left: number): void {
  reply.header(RATE_LIMIT_HEADERS.window, limit.windowMs)
  reply.header(RATE_LIMIT_HEADERS.reset, resetMs)
  reply.header(RATE_LIMIT_HEADERS.quota, limit.quota)
  reply.header(RATE_LIMIT_HEADERS.left, Math.max(0, left))
}

/** Nothing to count: a window that turns over with the clock, a quota never spent. */
function announceUncounted(app: FastifyInstance, reply: FastifyReply, limit: RateLimit): void {
  announce(reply, limit, limit.windowMs - (app.clock().getTime() % limit.windowMs), limit.quota)
}

async function countQuota(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, storeHash: string, limit: RateLimit): Promise<void> {
  // The window length is part of the key: a changed window starts a fresh count.
  const counted = await orLetThrough(req, () => app.counters.hit(`quota:${storeHash}:${limit.windowMs}`, limit.windowMs))
  // Counters out of reach let the request through, still with the headers clients pace by.
  if (!counted) return announceUncounted(app, reply, limit)
  announce(reply, limit, counted.resetMs, limit.quota - counted.count)
  if (counted.count > limit.quota) {
    reply.header(RATE_LIMIT_HEADERS.retryAfter, Math.max(1, Math.ceil(counted.resetMs / 1000)))
    throw tooManyRequests()
  }
}

// Both hooks are callback-style and finish at once when there is nothing to count (an unlimited
// quota, a route without a cap): they run on every request, and an async hook costs a promise.
function quotaHook(defaultLimit: RateLimit): onRequestHookHandler {
  return function enforceQuota(this: FastifyInstance, req, reply, done) {
    // Auth's hook runs first and refuses a request without an owner, so there always is one here.
    const owner = ownerOf(req)
    const limit = owner.rateLimit ?? defaultLimit
    if (!limit.unlimited) return void countQuota(this, req, reply, owner.storeHash, limit).then(() => done(), done)
    announceUncounted(this, reply, limit)
    done()
  }
}

const enforceConcurrency: onRequestHookHandler = function (this: FastifyInstance, req, reply, done) {
  if (req.routeOptions.config.concurrency === undefined) return done()
  takeSlot(this, req, reply, req.routeOptions.config.concurrency).then(() => done(), done)
}

async function takeSlot(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, cap: number): Promise<void> {
  const key = `concurrency:${ownerOf(req).storeHash}:${req.method} ${req.routeOptions.url}`
  const taken = await orLetThrough(req, () => app.counters.acquire(key, cap, SLOT_LEASE_MS))
  if (taken === undefined) return
  if (taken === null) throw tooManyRequests()
  // 'close' ends every response: sent in full, failed, or cut off by the client.
  reply.raw.once('close', () => {
    taken().catch((error: unknown) => req.log.warn({ err: error }, 'could not release a concurrency slot'))
  })
}

/** Adds the limit hooks to the routes of the scope it is registered in, after auth's. */
export default fp<LimitsOptions>(
  async (app, options) => {
    app.addHook('onRequest', quotaHook(options.defaultRateLimit ?? PLANS.unlimited))
    app.addHook('onRequest', enforceConcurrency)
  },
  { name: 'clientele-limits', dependencies: ['clientele-auth'] },
)
