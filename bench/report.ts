import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Backend } from './config.js'
import type { EventLoopReport } from './event-loop.js'
import type { LoadResult } from './load.js'
import { REPO_ROOT } from './processes.js'
import type { WebhookReport } from './webhooks.js'

// The printed table, the goals (reported, not enforced), the comparison with an earlier run and the JSON record of a run.

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

/** Clientele's share of the bare server's req/s each must keep, by scenario and backend */
const VS_BARE: Record<string, Partial<Record<Backend, number>>> = {
  'get-page': { sqlite: 0.4, postgres: 0.2 },
  // a refusal reads no customer: little but the framework stands between it and a bare server
  'get-404': { sqlite: 0.8, postgres: 0.8 },
  'get-401': { sqlite: 0.7, postgres: 0.7 },
}

/** The list workloads beside GET page of 50: the share of its req/s (same backend, same run) each must keep. */
const VS_PAGE: Record<string, number> = {
  'get-filtered': 0.5,
  'get-sorted': 0.5,
  'get-include': 0.5,
  'get-like': 0.5,
  'get-dates': 0.5,
  'metafields-one': 0.5,
  'metafields-all': 0.5,
  addresses: 0.5,
  'attribute-values': 0.5,
  // offset paging reads every row it skips: page 1,000 may cost more than the first
  'get-deep': 0.25,
}

/** GET page of 50 and the workloads measured against it: what the growth from 100k to 1m is about */
export const LIST_WORKLOADS = new Set(['get-page', ...Object.keys(VS_PAGE)])

/** batch writes: items (customers or metafields) per second, by scenario and backend */
const WRITE_RATES: Record<string, Partial<Record<Backend, number>>> = {
  post: { sqlite: 20_000, postgres: 10_000 },
  put: { sqlite: 20_000, postgres: 10_000 },
  'metafields-post': { sqlite: 50_000 },
}

/**
 * The latency goal is the page's on SQLite. Other rows show their p99 but have no goal: with N
 * connections in a closed loop latency is about N / req/s, which the throughput goals cover.
 */
const P99_LIMIT_MS = 10
const P99_ROW = { scenario: 'get-page', backend: 'sqlite' }

/** Resident memory of the server after the GETs, in SCALE=1m mode (MB of 2^20 bytes, as /proc's kB are 1,024 bytes). */
const RSS_LIMIT_MB = 250
/** at 1m customers each list workload keeps at least 1 / GROWTH_LIMIT of its req/s at 100k */
const GROWTH_LIMIT = 1.5

/** The goals of the speed issue, checked against this run's rows. */
export function checkTargets(rows: Row[]): TargetCheck[] {
  const page = (backend: Backend) => rows.find((r) => r.scenario === 'get-page' && r.backend === backend)
  return [
    ...rows.flatMap(vsBare),
    ...rows.flatMap((row) => vsPage(row, page(row.backend))),
    ...rows.flatMap(writeRate),
    ...rows.flatMap(latency),
  ]
}

function vsBare(row: Row): TargetCheck[] {
  const min = VS_BARE[row.scenario]?.[row.backend]
  if (min === undefined || row.ratio === undefined) return []
  return [{ target: `${row.label}, ${row.backend}: >= ${min.toFixed(2)} x bare`, measured: `${fixed(row.ratio, 2)} x`, pass: row.ratio >= min }]
}

function vsPage(row: Row, page: Row | undefined): TargetCheck[] {
  const min = VS_PAGE[row.scenario]
  if (min === undefined || !page) return []
  const ratio = row.clientele.rps / page.clientele.rps
  return [{
    target: `${row.label}, ${row.backend}: >= ${min.toFixed(2)} x ${page.label}`,
    measured: `${fixed(ratio, 2)} x (${whole(row.clientele.rps)} vs ${whole(page.clientele.rps)} req/s)`,
    pass: ratio >= min,
  }]
}

function writeRate(row: Row): TargetCheck[] {
  const min = WRITE_RATES[row.scenario]?.[row.backend]
  const [rate, unit] = row.customersPerSecond !== undefined ? [row.customersPerSecond, 'customers'] : [row.metafieldsPerSecond, 'metafields']
  if (min === undefined || rate === undefined) return []
  return [{ target: `${row.label}, ${row.backend}: >= ${whole(min)} ${unit}/s`, measured: `${whole(rate)} /s`, pass: rate >= min }]
}

function latency(row: Row): TargetCheck[] {
  if (row.scenario !== P99_ROW.scenario || row.backend !== P99_ROW.backend) return []
  return [{ target: `p99 < ${P99_LIMIT_MS} ms: ${row.label}, ${row.backend}`, measured: `${fixed(row.clientele.p99, 2)} ms`, pass: row.clientele.p99 < P99_LIMIT_MS }]
}

/** The server's resident memory at the end of a backend's GET scenarios. */
export interface MemoryReading {
  backend: Backend
  rssBytes: number
}

export const megabytes = (bytes: number) => `${fixed(bytes / 2 ** 20, 1)} MB`

/** The memory goal of SCALE=1m: a million customers must not be held in the server's memory. */
export function checkMemoryTargets(readings: MemoryReading[]): TargetCheck[] {
  return readings.map((r) => ({
    target: `RSS after the GETs, ${r.backend}: < ${RSS_LIMIT_MB} MB`,
    measured: megabytes(r.rssBytes),
    pass: r.rssBytes < RSS_LIMIT_MB * 2 ** 20,
  }))
}

/** An earlier run's results file (BENCH_COMPARE), as much of it as the comparison reads. */
export interface EarlierRun {
  file: string
  customers: number | undefined
  rows: { scenario: string; backend: Backend; clientele: { rps: number } }[]
}

export function readEarlierRun(file: string): EarlierRun {
  const record = JSON.parse(readFileSync(file, 'utf8')) as { config?: { customers?: number }; rows?: EarlierRun['rows'] }
  if (!Array.isArray(record.rows)) throw new Error(`BENCH_COMPARE: ${file} holds no rows: not a results file of bench/run.ts`)
  return { file, customers: record.config?.customers, rows: record.rows }
}

/** A row of this run beside the earlier run's row of the same scenario and backend. */
export interface Comparison {
  scenario: string
  label: string
  backend: Backend
  rps: number
  earlierRps: number
  /** this run's req/s over the earlier run's */
  ratio: number
}

export function compareRuns(rows: Row[], earlier: EarlierRun): Comparison[] {
  return rows.flatMap((row) => {
    const before = earlier.rows.find((r) => r.scenario === row.scenario && r.backend === row.backend)
    if (!before) return []
    const { scenario, label, backend } = row
    return [{ scenario, label, backend, rps: row.clientele.rps, earlierRps: before.clientele.rps, ratio: row.clientele.rps / before.clientele.rps }]
  })
}

export function formatComparison(earlier: EarlierRun, customers: number, comparisons: Comparison[]): string {
  const sizes = `${earlier.customers === undefined ? '?' : whole(earlier.customers)} customers there, ${whole(customers)} here`
  if (comparisons.length === 0) return `Compared with ${earlier.file} (${sizes}): no scenario and backend measured in both`
  return [
    `Compared with ${earlier.file} (${sizes}):`,
    table(
      ['scenario', 'backend', 'req/s', 'earlier req/s', 'ratio'],
      comparisons.map((c) => [c.label, c.backend, whole(c.rps), whole(c.earlierRps), fixed(c.ratio, 2)]),
      new Set([2, 3, 4]),
    ),
  ].join('\n')
}

/** The growth goal of SCALE=1m, against an earlier run at 100k: each list workload within GROWTH_LIMIT x. */
export function checkGrowthTargets(comparisons: Comparison[]): TargetCheck[] {
  return comparisons
    .filter((c) => LIST_WORKLOADS.has(c.scenario))
    .map((c) => ({
      target: `${c.label}, ${c.backend}: within ${GROWTH_LIMIT} x of 100k`,
      measured: `${fixed(c.ratio, 2)} x (${whole(c.rps)} vs ${whole(c.earlierRps)} req/s)`,
      pass: c.rps >= c.earlierRps / GROWTH_LIMIT,
    }))
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
  return [
    table(
      ['scenario', 'backend', 'req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'ratio', 'written/s', 'cpu ms/req', 'bare cpu', 'cores', 'errors/unexpected'],
      body,
      new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ),
    '(req/s: answers with the expected status per second, 2xx unless the scenario expects an error (404, 401);',
    ' errors/unexpected: connection errors / answers without the expected status)',
  ].join('\n')
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
