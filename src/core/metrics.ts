import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { poolUsage } from '../db/connect.js'

// GET /metrics in Prometheus' text format: requests by route and status, their latency, and the
// PostgreSQL pool. Each app has a registry of its own (tests build many apps in one process).
// Routes are labelled by their pattern (`/stores/:store_hash/v3/customers`), never the raw URL,
// so a label cannot take one value per store or per id.

declare module 'fastify' {
  interface FastifyInstance {
    /** the app's registry: the webhook delivery worker adds its metrics to it (webhookMetrics) */
    metricsRegistry: Registry
  }
}

export interface MetricsOptions {
  /** also the Node process's own metrics (CPU, memory, event loop lag, GC): the server turns them on */
  processMetrics?: boolean
}

/** Latency buckets, seconds: from sub-millisecond reads to password-hashing batch writes. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** The label of a request that matched no route (a 404 or a 405). */
export const UNMATCHED = '(unmatched)'

export default fp<MetricsOptions>(
  async (app, options) => {
    const registry = new Registry()
    if (options.processMetrics) collectDefaultMetrics({ register: registry })
    app.decorate('metricsRegistry', registry)

    const requests = new Counter({
      name: 'clientele_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    })
    const latency = new Histogram({
      name: 'clientele_http_request_duration_seconds',
      help: 'Time from the request arriving to its response being sent, by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: BUCKETS,
      registers: [registry],
    })
    new Gauge({
      name: 'clientele_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total = open, idle, waiting = queries queued for one, max = pool size)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const usage = poolUsage(app.db)
        if (!usage) return
        for (const [state, value] of Object.entries(usage)) this.set({ state }, value)
      },
    })

    app.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? UNMATCHED
      requests.inc({ method: req.method, route, status: String(reply.statusCode) })
      latency.observe({ method: req.method, route }, reply.elapsedTime / 1000)
      done()
    })

    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      const text = await registry.metrics()
      return reply.type(registry.contentType).send(text)
    })
  },
  { name: 'clientele-metrics', dependencies: ['clientele-db'] },
)

/** Attempt latency buckets, seconds: a quick receiver to WEBHOOK_TIMEOUT_MS's default and past it. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export interface WebhookMetrics {
  /** attempts by the event's scope and what came of them: delivered, retry (another attempt is due), failed (no retry left) */
  deliveries: Counter<'scope' | 'outcome'>
  latency: Histogram
}

export interface WebhookQueue {
  pendingDeliveries: number
  undispatchedEvents: number
  /** epoch ms of the oldest pending delivery or undispatched event, null when none */
  oldestMs: number | null
}

/**
 * The delivery worker's metrics in the app's registry (once per registry: a second worker on the
 * same app reuses them). The queue gauges are read from the database when /metrics is scraped.
 */
export function webhookMetrics(registry: Registry, queue: () => Promise<WebhookQueue>): WebhookMetrics {
  const existing = registry.getSingleMetric('clientele_webhook_deliveries_total')
  if (existing) {
    return { deliveries: existing as Counter<'scope' | 'outcome'>, latency: registry.getSingleMetric('clientele_webhook_attempt_duration_seconds') as Histogram }
  }
  const deliveries = new Counter({
    name: 'clientele_webhook_deliveries_total',
    help: 'Webhook delivery attempts by event scope and outcome (delivered, retry, failed: no retry left)',
    labelNames: ['scope', 'outcome'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'clientele_webhook_attempt_duration_seconds',
    help: 'Time of one webhook delivery attempt, from connecting to the answer (or the timeout)',
    buckets: WEBHOOK_BUCKETS,
    registers: [registry],
  })
  let last: Promise<WebhookQueue | undefined> | undefined
  // Both gauges come from one read per scrape.
  const read = () => (last ??= queue().catch(() => undefined).finally(() => setTimeout(() => (last = undefined), 0)))
  new Gauge({
    name: 'clientele_webhook_queue_depth',
    help: 'Webhook work waiting: pending deliveries and events not yet dispatched to their hooks',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const stats = await read()
      if (!stats) return
      this.set({ kind: 'pending_deliveries' }, stats.pendingDeliveries)
      this.set({ kind: 'undispatched_events' }, stats.undispatchedEvents)
    },
  })
  new Gauge({
    name: 'clientele_webhook_oldest_pending_seconds',
    help: 'Age of the oldest pending webhook delivery or undispatched event (0 when none)',
    registers: [registry],
    async collect() {
      const stats = await read()
      if (!stats) return
      this.set(stats.oldestMs === null ? 0 : Math.max(0, (Date.now() - stats.oldestMs) / 1000))
    },
  })
  return { deliveries, latency }
}
