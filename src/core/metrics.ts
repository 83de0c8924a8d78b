import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { poolUsage } from '../db/connect.js'

// GET /metrics in Prometheus' text format: requests by route and status, their latency, and the
// PostgreSQL pool. Each app has a registry of its own (tests build many apps in one process).
// Routes are labelled by their pattern (`/stores/:store_hash/v3/customers`), never the raw URL,
// so a label cannot take one value per store or per id.

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

    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? UNMATCHED
      requests.inc({ method: req.method, route, status: String(reply.statusCode) })
      latency.observe({ method: req.method, route }, reply.elapsedTime / 1000)
    })

    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      const text = await registry.metrics()
      return reply.type(registry.contentType).send(text)
    })
  },
  { name: 'clientele-metrics', dependencies: ['clientele-db'] },
)
