import type { Kysely } from 'kysely'
import type { Registry } from 'prom-client'
import { Webhook } from 'standardwebhooks'
import { BIGCOMMERCE_RETRY_SCHEDULE } from '../core/config.js'
import { webhookMetrics, type WebhookMetrics } from '../core/metrics.js'
import { scopeMatches } from '../core/webhook-scopes.js'
import { envelopeOf } from '../db/outbox.js'
import type { Database } from '../db/schema.js'
import { BIGCOMMERCE_DENYLIST, Denylist, type DenylistRule } from './denylist.js'
import { checkDestination, type DestinationPolicy } from './destination-check.js'
import {
  claimDeliveries,
  dispatchEvents,
  markDelivered,
  markFailed,
  postpone,
  prune,
  queueStats,
  releaseClaim,
  type AttemptOutcome,
  type ClaimedDelivery,
} from './queries.js'
import { send } from './send.js'

// The delivery worker (docs/ARCHITECTURE.md "The path of one event"): on timers, beside the API
// and never in a request's path, it turns outbox events into deliveries (dispatch) and sends the
// due ones (deliver). Attempts run concurrently up to `maxInFlight`, at most `maxPerOrigin` per
// destination origin: a slow receiver fills its own slots and leaves the others' free.

export interface DeliveryWorkerOptions {
  /** how often to look for work, ms (default 200) */
  pollMs?: number
  /** the whole attempt's deadline, ms (default 10000) */
  timeoutMs?: number
  /** seconds to wait after each failed attempt (fractions allowed; BigCommerce's by default); after the last, the delivery fails */
  retrySchedule?: readonly number[]
  /** attempts in flight at once, all destinations (default 32) */
  maxInFlight?: number
  /** attempts in flight at once to one destination origin (default 4) */
  maxPerOrigin?: number
  /** events dispatched per transaction (default 100) */
  batchSize?: number
  /** bytes of a receiver's answer read at most (default 64 KiB) */
  maxResponseBytes?: number
  /** finished deliveries and dispatched events older than this are deleted, ms (default 7 days) */
  retentionMs?: number
  /** how often to prune, ms (default 1 hour) */
  pruneEveryMs?: number
  /** `public`: destinations resolving to a private, loopback or otherwise refused address are not sent to */
  destinations?: DestinationPolicy
  /** the app's metrics registry (app.metricsRegistry): the worker's metrics are added to it */
  registry?: Registry
  /** BigCommerce's denylist rule unless given (tests shorten it) */
  denylist?: DenylistRule
  /** where the worker reports its own failures (a database error in a poll) */
  onError?: (error: unknown) => void
  now?: () => number
}

export interface DeliveryWorker {
  /** stops polling, aborts attempts in flight and gives their claims back; resolves when done */
  stop(): Promise<void>
  /** looks for work now instead of at the next poll */
  nudge(): void
}

const DEFAULTS = {
  pollMs: 200,
  timeoutMs: 10_000,
  maxInFlight: 32,
  maxPerOrigin: 4,
  batchSize: 100,
  maxResponseBytes: 64 * 1024,
  retentionMs: 7 * 24 * 3600 * 1000,
  pruneEveryMs: 3600 * 1000,
}

/** The longest wait between polls after failed ones (database errors). */
const MAX_BACKOFF_MS = 30_000

/** The `webhook-id` of an event's delivery to a hook: the same in every attempt (and a redelivery). */
export function messageIdOf(hash: string, hookId: number): string {
  return `${hash}-${hookId}`
}

/** The Standard Webhooks key of an account: its client secret, base64-encoded (BigCommerce's rule). */
export function signingKeyOf(clientSecret: string): string {
  return Buffer.from(clientSecret, 'utf8').toString('base64')
}

export function startDeliveryWorker(db: Kysely<Database>, options: DeliveryWorkerOptions = {}): DeliveryWorker {
  const settings = { ...DEFAULTS, ...definedOnly(options) }
  const schedule = options.retrySchedule ?? BIGCOMMERCE_RETRY_SCHEDULE
  const now = options.now ?? Date.now
  // Longer than any attempt, so a claim never lapses while its attempt still runs.
  const leaseMs = settings.timeoutMs + 30_000
  const metrics: WebhookMetrics | undefined = options.registry ? webhookMetrics(options.registry, () => queueStats(db)) : undefined
  const onError = options.onError ?? (() => {})
  const denylist = new Denylist(db, options.denylist ?? BIGCOMMERCE_DENYLIST)

  let stopping = false
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<void> | undefined
  let again = false
  let failures = 0
  let lastPrune = 0
  let lastBlockRead = -Infinity
  const inFlight = new Map<number, { delivery: ClaimedDelivery; abort: AbortController; done: Promise<void> }>()
  const perOrigin = new Map<string, number>()
  /** hook id -> destination origin, learnt from claims: hooks of a full origin are left out of the next claim */
  const originOfHook = new Map<number, string>()

  const pollIn = (delay: number) => {
    if (stopping) return
    clearTimeout(timer)
    timer = setTimeout(() => void tick(), delay)
    timer.unref?.()
  }

  async function tick(): Promise<void> {
    if (ticking) {
      again = true
      return
    }
    let delay = settings.pollMs
    ticking = (async () => {
      try {
        do {
          again = false
          await round()
        } while (again && !stopping)
        failures = 0
      } catch (error) {
        // The database away, or its migrations not run yet: report it, and wait longer each time.
        failures += 1
        onError(error)
        delay = Math.min(MAX_BACKOFF_MS, settings.pollMs * 2 ** failures)
      }
    })()
    await ticking
    ticking = undefined
    pollIn(delay)
  }

  async function round(): Promise<void> {
    if (stopping) return
    const at = now()
    if (at - lastPrune >= settings.pruneEveryMs) {
      lastPrune = at
      await prune(db, at - settings.retentionMs)
    }
    // A bounded number of batches per round, so a burst of events cannot hold the worker.
    for (let i = 0; i < 10 && !stopping; i += 1) {
      const taken = await dispatchEvents(db, settings.batchSize, now(), (event, hook) => hook.created_at <= event.created_at && scopeMatches(hook.scope, event.scope))
      if (taken < settings.batchSize) break
    }
    if (settings.maxInFlight - inFlight.size <= 0 || stopping) return
    // Other nodes' blocks, read at most once per poll interval: a round runs after every attempt,
    // and a block this node makes is known at once without a read.
    if (now() - lastBlockRead >= settings.pollMs) {
      lastBlockRead = now()
      await denylist.refresh(lastBlockRead)
    }
    // Small claims, until the slots are full or nothing more is due: at most what the busiest origin
    // not yet full still admits (maxPerOrigin when none is busy). One claim of every free slot,
    // when one origin's deliveries take them all, gives back all but the few its slots admit, one
    // statement each, at every attempt's end.
    for (;;) {
      const free = settings.maxInFlight - inFlight.size
      if (free <= 0 || stopping) return
      const busiest = Math.max(0, ...[...perOrigin.values()].filter((n) => n < settings.maxPerOrigin))
      const limit = Math.min(free, settings.maxPerOrigin - busiest)
      const full = new Set([...perOrigin].filter(([, n]) => n >= settings.maxPerOrigin).map(([origin]) => origin))
      const skipHooks = [...originOfHook].filter(([, origin]) => full.has(origin)).map(([id]) => id)
      const claimedAt = now()
      const claimed = await claimDeliveries(db, limit, claimedAt, claimedAt + leaseMs, skipHooks)
      let started = 0
      for (const delivery of claimed) {
        const origin = originOf(delivery.destination)
        originOfHook.set(delivery.hook_id, origin)
        if (stopping || (perOrigin.get(origin) ?? 0) >= settings.maxPerOrigin) {
          await releaseClaim(db, delivery)
          continue
        }
        start(delivery, origin)
        started += 1
      }
      // nothing more due, or all of it for origins found full: the next round tries again
      if (claimed.length < limit || started === 0) return
    }
  }

  function start(delivery: ClaimedDelivery, origin: string): void {
    perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + 1)
    const abort = new AbortController()
    const done = attempt(delivery, abort.signal)
      .catch(onError)
      .finally(() => {
        const left = (perOrigin.get(origin) ?? 1) - 1
        if (left === 0) perOrigin.delete(origin)
        else perOrigin.set(origin, left)
        inFlight.delete(delivery.id)
        // A slot is free: more may be due now.
        if (!stopping) pollIn(0)
      })
    inFlight.set(delivery.id, { delivery, abort, done })
  }

  async function attempt(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(envelopeOf(delivery.event, delivery.store_hash))
    const started = now()
    let outcome: AttemptOutcome
    const url = parseUrl(delivery.destination)
    const checked = url ? await checkDestination(url, options.destinations ?? 'any') : { refused: 'not an http(s) URL' }
    if (signal.aborted) return releaseClaim(db, delivery)
    if (!url || 'refused' in checked) {
      outcome = { status: null, error: `not sent: ${'refused' in checked ? checked.refused : 'invalid destination'}`, latencyMs: 0 }
    } else {
      const blockedUntil = denylist.blockedUntil(delivery.client_id, url.hostname, now())
      if (blockedUntil !== undefined) return postpone(db, delivery, blockedUntil)
      const msgId = messageIdOf(delivery.event.hash, delivery.hook_id)
      const sentAt = new Date(now())
      const signature = new Webhook(signingKeyOf(delivery.client_secret)).sign(msgId, sentAt, body)
      const headers: Record<string, string> = {
        ...customHeaders(delivery.headers),
        'content-type': 'application/json',
        'user-agent': 'Clientele-Webhooks',
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
      }
      const result = await send(url, body, headers, {
        timeoutMs: settings.timeoutMs,
        maxResponseBytes: settings.maxResponseBytes,
        signal,
        ...(checked.address ? { address: checked.address } : {}),
      })
      if (signal.aborted) return releaseClaim(db, delivery)
      outcome = { ...result, latencyMs: now() - started }
      metrics?.latency.observe(outcome.latencyMs / 1000)
      await denylist.record(delivery.client_id, url.hostname, result.error === null ? undefined : result.error, now())
    }
    const finished = now()
    if (outcome.error === null) {
      await markDelivered(db, delivery, outcome, finished)
      metrics?.deliveries.inc({ scope: delivery.event.scope, outcome: 'delivered' })
      return
    }
    const wait = schedule[delivery.attempts]
    const retryAt = wait === undefined ? null : finished + Math.round(wait * 1000)
    await markFailed(db, delivery, outcome, retryAt, finished)
    metrics?.deliveries.inc({ scope: delivery.event.scope, outcome: retryAt === null ? 'failed' : 'retry' })
  }

  pollIn(0)

  return {
    nudge: () => pollIn(0),
    stop: async () => {
      stopping = true
      clearTimeout(timer)
      await ticking
      for (const { abort } of inFlight.values()) abort.abort()
      await Promise.all([...inFlight.values()].map((a) => a.done))
    },
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

function originOf(destination: string): string {
  return parseUrl(destination)?.origin ?? destination
}

function customHeaders(json: string | null): Record<string, string> {
  if (json === null) return {}
  const parsed = JSON.parse(json) as Record<string, unknown>
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'))
}
