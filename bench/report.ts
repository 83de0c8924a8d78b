import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Backend } from './config.js'
import type { EventLoopReport } from './event-loop.js'
import type { LoadResult } from './load.js'
import { REPO_ROOT } from './processes.js'
import type { WebhookReport } from './webhooks.js'

// The printed table, the targets (reported, not enforced) and the JSON record of a run.

export interface Row {
  scenario: string
  label: string
  backend: Backend
  clientele: LoadResult
  /** absent where a bare server makes no sense (validate-credentials: its time is scrypt's) */
  bare?: LoadResult
  /** Clientele req/s over the bare server's */
  ratio?: number
  /** customers written per second (POST and PUT /customers) */
  customersPerSecond?: number
  /** metafields written per second (batch POST /customers/metafields) */
  metafieldsPerSecond?: number
  /** validate-credentials: the server's event loop idle and under the load, and scrypt's cost */
  eventLoop?: EventLoopReport
  /** bytes of the response the bare server replayed */
  responseBytes: number
  /** connections used (BENCH_CONNECTIONS, or fewer where the API caps concurrency) */
  connections: number
  /** the machine's 1-minute load average as the scenario began: other work skews the figures */
  load1: number
  /** when requests failed: the status and start of the body of one more such request */
  failureSample?: string
}

export interface TargetCheck {
  target: string
  measured: string
  pass: boolean
}

const P99_LIMIT_MS = 10
/**
 * Rows the p99 target does not apply to: one scrypt verification takes tens of milliseconds by
 * design (it is what makes a stolen hash slow to crack), so the latency there is the cost of the
 * password rule, not of the server.
 */
const NO_LATENCY_TARGET = new Set(['validate'])

/** The targets of docs and planning, checked against this run's rows. */
export function checkTargets(rows: Row[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  const find = (scenario: string, backend: Backend) => rows.find((r) => r.scenario === scenario && r.backend === backend)
  for (const [backend, min] of [['sqlite', 0.4], ['postgres', 0.15]] as const) {
    const row = find('get-page', backend)
    if (row?.ratio !== undefined) checks.push({ target: `GET page of 50, ${backend}: >= ${min.toFixed(2)} x bare`, measured: `${row.ratio.toFixed(2)} x`, pass: row.ratio >= min })
  }
  const post = find('post', 'sqlite')
  if (post) {
    const cps = post.customersPerSecond ?? 0
    checks.push({ target: 'POST, sqlite: >= 20,000 customers/s', measured: `${Math.round(cps).toLocaleString('en-US')} /s`, pass: cps >= 20_000 })
  }
  for (const row of rows.filter((r) => !NO_LATENCY_TARGET.has(r.scenario))) {
    checks.push({
      target: `p99 < ${P99_LIMIT_MS} ms: ${row.label}, ${row.backend}`,
      measured: `${row.clientele.p99.toFixed(2)} ms`,
      pass: row.clientele.p99 < P99_LIMIT_MS,
    })
  }
  return checks
}

/** with a hook, POST keeps at least this share of its customers/s without one */
const HOOK_POST_RATIO = 0.8
/** events a fast receiver gets per second, first delivery to last */
const DELIVERY_RATE = 2_000

/** The webhook targets (bench/webhooks.ts), checked against this run's figures. */
export function checkWebhookTargets(reports: WebhookReport[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const r of reports) {
    if (r.ratio !== undefined) {
      checks.push({
        target: `POST 10 with 1 hook, ${r.backend}: >= ${HOOK_POST_RATIO.toFixed(2)} x without`,
        measured: `${r.ratio.toFixed(2)} x (${whole(r.withHook!.customersPerSecond)} vs ${whole(r.noHook!.customersPerSecond)} customers/s)`,
        pass: r.ratio >= HOOK_POST_RATIO,
      })
    }
    const d = r.delivery
    if (d) {
      const rate = d.drainEventsPerSecond
      checks.push({
        target: `webhook delivery, ${r.backend}: >= ${whole(DELIVERY_RATE)} events/s (the worker draining its backlog)`,
        measured:
          `${rate === undefined ? 'not measured (too few deliveries after the last write)' : `${whole(rate)} /s`}${d.incomplete ? ' (incomplete)' : ''}` +
          `; ${whole(d.eventsPerSecond)} /s first to last with the writes beside it; bare client ${whole(d.bare.eventsPerSecond)} /s`,
        pass: rate !== undefined && rate >= DELIVERY_RATE && !d.incomplete,
      })
    }
  }
  return checks
}

/** The webhook tables: POST without and with a hook, and the delivery run. */
export function formatWebhooks(reports: WebhookReport[]): string | undefined {
  const parts: string[] = []
  const posts = reports.flatMap((r) => [r.noHook, r.withHook].filter((p) => p !== undefined).map((p) => ({ r, p })))
  if (posts.length > 0) {
    parts.push(
      'Webhooks: POST 10 customers without and with one store/customer/* hook to a fast receiver (the delivery worker runs in the server):',
      table(
        ['measurement', 'backend', 'req/s', 'p50 ms', 'p99 ms', 'customers/s', 'vs no hook', 'delivered/s', 'queue after', 'cpu ms/req', 'cores', 'errors/non-2xx'],
        posts.map(({ r, p }) => [
          p.label,
          r.backend,
          whole(p.clientele.rps),
          fixed(p.clientele.p50, 2),
          fixed(p.clientele.p99, 2),
          whole(p.customersPerSecond),
          p === r.withHook && r.ratio !== undefined ? fixed(r.ratio, 2) : '-',
          whole(p.delivered / p.clientele.seconds),
          `${whole(p.queueAfter.pendingDeliveries)} / ${whole(p.queueAfter.undispatchedEvents)}`,
          fixed(p.clientele.cpuMsPerRequest, 3),
          fixed(p.clientele.serverCores, 2),
          `${p.clientele.errors}/${p.clientele.non2xx}`,
        ]),
        new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]),
      ),
      '(queue after: pending deliveries / undispatched events as the measurement ended)',
    )
  }
  const deliveries = reports.filter((r) => r.delivery)
  if (deliveries.length > 0) {
    if (parts.length > 0) parts.push('')
    parts.push(
      'Webhook delivery: customers created through the API (POSTs of 10) with the hook active; the receiver counts their deliveries:',
      table(
        ['backend', 'events', 'writes s', 'delivered', 'duplicates', 'first->last s', 'events/s', 'last write->last delivery s', 'cpu ms/event', 'cores', 'after writes: events/s', 'cpu ms/event', 'cores', 'bare client /s', 'ratio'],
        deliveries.map((r) => {
          const d = r.delivery!
          return [
            r.backend,
            whole(d.events),
            fixed(d.writeSeconds, 2),
            whole(d.delivered),
            whole(d.delivered - d.distinct),
            fixed(d.firstToLastSeconds, 2),
            whole(d.eventsPerSecond),
            fixed(d.lastWriteToLastDeliveryMs / 1000, 2),
            fixed(d.cpuMsPerEvent, 3),
            fixed(d.serverCores, 2),
            d.drainEventsPerSecond === undefined ? '-' : whole(d.drainEventsPerSecond),
            fixed(d.afterLastWrite.cpuMsPerEvent, 3),
            fixed(d.afterLastWrite.serverCores, 2),
            whole(d.bare.eventsPerSecond),
            d.ratio === undefined ? '-' : fixed(d.ratio, 2),
          ]
        }),
        new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
      ),
      '(cpu ms/event: the server\'s CPU over the writes and the deliveries, per event; after writes: the deliveries that came after the last write only, the worker alone: the delivery throughput;',
      ' bare client: a node:http client POSTing the same bytes to the same receiver over 4 keep-alive connections, the worker\'s default per origin; ratio: after-writes events/s over it)',
    )
  }
  return parts.length > 0 ? parts.join('\n') : undefined
}

function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-')
const whole = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-')

export function formatResults(rows: Row[]): string {
  const body = rows.map((r) => {
    const written = r.customersPerSecond ?? r.metafieldsPerSecond
    const failed = r.clientele.errors + r.clientele.non2xx + (r.bare ? r.bare.errors + r.bare.non2xx : 0)
    return [
      r.label,
      r.backend,
      whole(r.clientele.rps),
      fixed(r.clientele.p50, 2),
      fixed(r.clientele.p99, 2),
      r.bare ? whole(r.bare.rps) : '-',
      r.ratio === undefined ? '-' : fixed(r.ratio, 2),
      written === undefined ? '' : whole(written),
      fixed(r.clientele.cpuMsPerRequest, 3),
      r.bare ? fixed(r.bare.cpuMsPerRequest, 3) : '-',
      fixed(r.clientele.serverCores, 2),
      // a figure from failed requests measures the failure path: flag it
      failed > 0
        ? `${r.clientele.errors}/${r.clientele.non2xx}${r.bare ? ` (bare ${r.bare.errors}/${r.bare.non2xx})` : ''}`
        : '0',
    ]
  })
  return table(
    ['scenario', 'backend', 'req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'ratio', 'written/s', 'cpu ms/req', 'bare cpu', 'cores', 'errors/non-2xx'],
    body,
    new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]),
  )
}

/** One line under a scenario measured with its event loop (bench/event-loop.ts). */
export function formatEventLoopLine(e: EventLoopReport): string {
  return (
    `    event loop: delay p99 ${fixed(e.idle.delay.p99, 1)} ms idle, ${fixed(e.load.delay.p99, 1)} ms under load;` +
    ` probe p99 ${fixed(e.idle.probe.p99, 2)} ms idle, ${fixed(e.load.probe.p99, 2)} ms under load;` +
    ` ${fixed(e.cpuMsPerRequestNet, 1)} cpu-ms/req without the probe's; one scrypt alone ${fixed(e.scrypt.cpuMs, 1)} cpu-ms`
  )
}

/** The event-loop table: rows measured with it, idle beside under load. */
export function formatEventLoop(rows: Row[]): string | undefined {
  const measured = rows.filter((r) => r.eventLoop)
  if (measured.length === 0) return undefined
  const body = measured.map((r) => {
    const e = r.eventLoop!
    return [
      r.label,
      r.backend,
      `${fixed(e.idle.delay.p50, 1)} / ${fixed(e.idle.delay.p99, 1)} / ${fixed(e.idle.delay.max, 1)}`,
      `${fixed(e.load.delay.p50, 1)} / ${fixed(e.load.delay.p99, 1)} / ${fixed(e.load.delay.max, 1)}`,
      `${fixed(e.idle.probe.p50, 2)} / ${fixed(e.idle.probe.p99, 2)}`,
      `${fixed(e.load.probe.p50, 2)} / ${fixed(e.load.probe.p99, 2)}`,
      `${e.load.probe.requests}${e.idle.probe.non2xx + e.load.probe.non2xx > 0 ? ` (${e.idle.probe.non2xx + e.load.probe.non2xx} non-2xx)` : ''}`,
      fixed(e.cpuMsPerRequestNet, 2),
      `${fixed(e.scrypt.cpuMs, 1)} / ${fixed(e.scrypt.wallMs, 1)}`,
      String(e.threadPool),
    ]
  })
  return [
    'Event loop while it runs (delay: the server\'s own histogram, which reads ~10 ms when free; probe: GET /customers?limit=1 every 10 ms):',
    table(
      ['scenario', 'backend', 'delay ms idle p50/p99/max', 'delay ms load p50/p99/max', 'probe ms idle p50/p99', 'probe ms load p50/p99', 'probes', 'cpu ms/req net', 'scrypt cpu/wall ms', 'threads'],
      body,
      new Set([2, 3, 4, 5, 6, 7, 8, 9]),
    ),
  ].join('\n')
}

export function formatTargets(checks: TargetCheck[]): string {
  const width = Math.max(...checks.map((c) => c.target.length))
  return checks.map((c) => `  ${c.pass ? 'PASS' : 'MISS'}  ${c.target.padEnd(width)}  ${c.measured}`).join('\n')
}

/** Writes the run to bench/results/<timestamp>.json and returns the path. */
export function writeResults(startedAt: Date, record: Record<string, unknown>): string {
  const dir = join(REPO_ROOT, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`)
  return file
}
