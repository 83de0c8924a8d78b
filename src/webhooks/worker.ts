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
import { AgentPool } from './agents.js'
import { OutcomeWriter } from './outcomes.js'
import {
  capHistory,
  claimDeliveries,
  dispatchEvents,
  postpone,
  pruneOlderThan,
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
// Work is claimed ahead: up to PREFETCH x maxPerOrigin deliveries per origin are leased at once,
// and one starts from that queue as soon as an attempt ends, with no query; a claim refills the
// queue when it runs low, and outcomes are written a batch at a time (outcomes.ts). At a busy
// receiver a claim and a commit serve many attempts, not one each.

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
  /** how often to prune by age, ms (default 1 hour) */
  pruneEveryMs?: number
  /** sent events kept at most (the outbox's size cap, checked every minute; default 1,000,000): older ones go with their finished deliveries */
  maxEvents?: number
  /** deliveries of one hook waiting for a retry at most (default 10,000): at that many, the hook is deactivated */
  maxRetryingPerHook?: number
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
  maxEvents: 1_000_000,
  maxRetryingPerHook: 10_000,
}

/** Deliveries claimed ahead per origin, as a multiple of maxPerOrigin. */
const PREFETCH = 4
/**
 * A delivery claimed ahead is started within this long of its claim, or given back: with its
 * attempt's deadline after that, it stays well inside its lease (timeoutMs + 30 s).
 */
const MAX_QUEUED_MS = 5_000
/** How often the outbox's size cap is applied. */
const CAP_EVERY_MS = 60_000

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

interface Queued {
  delivery: ClaimedDelivery
  claimedAt: number
}

export function startDeliveryWorker(db: Kysely<Database>, options: DeliveryWorkerOptions = {}): DeliveryWorker {
  const settings = { ...DEFAULTS, ...definedOnly(options) }
  const schedule = options.retrySchedule ?? BIGCOMMERCE_RETRY_SCHEDULE
  const now = options.now ?? Date.now
  // Longer than any attempt and its wait in the queue, so a claim never lapses while it is ours.
  const leaseMs = settings.timeoutMs + 30_000
  const metrics: WebhookMetrics | undefined = options.registry ? webhookMetrics(options.registry, () => queueStats(db)) : undefined
  const onError = options.onError ?? (() => {})
  const denylist = new Denylist(db, options.denylist ?? BIGCOMMERCE_DENYLIST)
  const outcomes = new OutcomeWriter(db, onError)
  const agents = new AgentPool(settings.maxPerOrigin)
  const perOriginClaimed = settings.maxPerOrigin * PREFETCH
  const maxClaimed = Math.max(settings.maxInFlight * 2, perOriginClaimed)

  let stopping = false
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<void> | undefined
  let again = false
  let failures = 0
  let lastPrune = 0
  let lastCap = 0
  let lastBlockRead = -Infinity
  let lastSkippingClaim = -Infinity
  const inFlight = new Map<number, { delivery: ClaimedDelivery; abort: AbortController; done: Promise<void> }>()
  /** origin -> attempts in flight */
  const perOrigin = new Map<string, number>()
  /** origin -> deliveries claimed and not started, oldest claim first */
  const queued = new Map<string, Queued[]>()
  /** claims that waited too long in the queue: given back by the next round */
  let stale: ClaimedDelivery[] = []
  /** hook id -> destination origin, learnt from claims: hooks of a full origin are left out of the next claim */
  const originOfHook = new Map<number, string>()

  const claimedFor = (origin: string) => (perOrigin.get(origin) ?? 0) + (queued.get(origin)?.length ?? 0)

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
      await pruneOlderThan(db, at - settings.retentionMs)
    }
    if (at - lastCap >= CAP_EVERY_MS) {
      lastCap = at
      await capHistory(db, settings.maxEvents)
    }
    for (const delivery of stale.splice(0)) await releaseClaim(db, delivery)
    // A bounded number of batches per round, so a burst of events cannot hold the worker.
    for (let i = 0; i < 10 && !stopping; i += 1) {
      const taken = await dispatchEvents(
        db,
        settings.batchSize,
        now(),
        (event, hook) => hook.created_at <= event.created_at && scopeMatches(hook.scope, event.scope),
        settings.maxRetryingPerHook,
      )
      if (taken < settings.batchSize) break
    }
    if (stopping) return
    // Other nodes' blocks, read at most once per poll interval: a round runs after many attempts,
    // and a block this node makes is known at once without a read.
    if (now() - lastBlockRead >= settings.pollMs) {
      lastBlockRead = now()
      await denylist.refresh(lastBlockRead)
    }
    await claim()
    startQueued()
  }

  /**
   * Claims until the queues are full or nothing more is due, each claim at most what the busiest
   * origin not yet full still admits. Hooks of full origins are left out of the claim: one claim
   * of every free place, when one origin's deliveries take them all, would give back all but the
   * few its queue admits, one statement each.
   */
  async function claim(): Promise<void> {
    for (;;) {
      const room = maxClaimed - inFlight.size - [...queued.values()].reduce((n, queue) => n + queue.length, 0)
      if (room <= 0 || stopping) return
      const origins = new Set([...perOrigin.keys(), ...queued.keys()])
      const counts = [...origins].map((origin) => [origin, claimedFor(origin)] as const)
      const busiest = Math.max(0, ...counts.map(([, n]) => n).filter((n) => n < perOriginClaimed))
      const limit = Math.min(room, perOriginClaimed - busiest)
      const full = new Set(counts.filter(([, n]) => n >= perOriginClaimed).map(([origin]) => origin))
      const skipHooks = [...originOfHook].filter(([, origin]) => full.has(origin)).map(([id]) => id)
      const at = now()
      // A claim that leaves hooks out cannot use the due index to stop early: with a long backlog
      // for those hooks it reads all of it to find none other. At most one such claim per poll
      // interval, so deliveries for other origins wait no longer than one.
      if (skipHooks.length > 0) {
        if (at - lastSkippingClaim < settings.pollMs) return
        lastSkippingClaim = at
      }
      const claimed = await claimDeliveries(db, limit, at, at + leaseMs, skipHooks)
      let kept = 0
      for (const delivery of claimed) {
        const origin = originOf(delivery.destination)
        originOfHook.set(delivery.hook_id, origin)
        if (stopping || claimedFor(origin) >= perOriginClaimed) {
          await releaseClaim(db, delivery)
          continue
        }
        const queue = queued.get(origin) ?? []
        queue.push({ delivery, claimedAt: at })
        queued.set(origin, queue)
        kept += 1
      }
      // nothing more due, or all of it for origins found full: the next round tries again
      if (claimed.length < limit || kept === 0) return
    }
  }

  /** Starts queued deliveries while their origins and the worker have free slots. */
  function startQueued(): void {
    for (const [origin, queue] of queued) {
      while (queue.length > 0 && inFlight.size < settings.maxInFlight && (perOrigin.get(origin) ?? 0) < settings.maxPerOrigin && !stopping) {
        const next = queue.shift()!
        if (now() - next.claimedAt > MAX_QUEUED_MS) stale.push(next.delivery)
        else start(next.delivery, origin)
      }
      if (queue.length === 0) queued.delete(origin)
    }
    if (stale.length > 0) pollIn(0)
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
        if (stopping) return
        startQueued()
        // Its queue running low (or empty: nothing may be due), claim more.
        if ((queued.get(origin)?.length ?? 0) < settings.maxPerOrigin) pollIn(0)
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
        agent: agents.agentFor(url, checked.address),
        ...(checked.address ? { address: checked.address } : {}),
      })
      if (signal.aborted) return releaseClaim(db, delivery)
      outcome = { ...result, latencyMs: now() - started }
      metrics?.latency.observe(outcome.latencyMs / 1000)
      await denylist.record(delivery.client_id, url.hostname, result.error === null ? undefined : result.error, now())
    }
    const finishedAt = now()
    const wait = outcome.error === null ? undefined : schedule[delivery.attempts]
    const retryAt = wait === undefined ? null : finishedAt + Math.round(wait * 1000)
    outcomes.add({ delivery, outcome, retryAt, finishedAt })
    metrics?.deliveries.inc({ scope: delivery.event.scope, outcome: outcome.error === null ? 'delivered' : retryAt === null ? 'failed' : 'retry' })
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
      const unstarted = [...stale.splice(0), ...[...queued.values()].flat().map((q) => q.delivery)]
      queued.clear()
      for (const delivery of unstarted) await releaseClaim(db, delivery).catch(onError)
      await outcomes.flush()
      agents.destroy()
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
