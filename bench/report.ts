import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Backend } from './config.js'
import type { LoadResult } from './load.js'
import { REPO_ROOT } from './processes.js'

// The printed table, the targets (reported, not enforced) and the JSON record of a run.

export interface Row {
  scenario: string
  label: string
  backend: Backend
  clientele: LoadResult
  bare: LoadResult
  /** Clientele req/s over the bare server's */
  ratio: number
  /** customers written per second (POST and PUT) */
  customersPerSecond?: number
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

/** The targets of docs and planning, checked against this run's rows. */
export function checkTargets(rows: Row[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  const find = (scenario: string, backend: Backend) => rows.find((r) => r.scenario === scenario && r.backend === backend)
  for (const [backend, min] of [['sqlite', 0.4], ['postgres', 0.15]] as const) {
    const row = find('get-page', backend)
    if (row) checks.push({ target: `GET page of 50, ${backend}: >= ${min.toFixed(2)} x bare`, measured: `${row.ratio.toFixed(2)} x`, pass: row.ratio >= min })
  }
  const post = find('post', 'sqlite')
  if (post) {
    const cps = post.customersPerSecond ?? 0
    checks.push({ target: 'POST, sqlite: >= 20,000 customers/s', measured: `${Math.round(cps).toLocaleString('en-US')} /s`, pass: cps >= 20_000 })
  }
  for (const row of rows) {
    checks.push({
      target: `p99 < ${P99_LIMIT_MS} ms: ${row.label}, ${row.backend}`,
      measured: `${row.clientele.p99.toFixed(2)} ms`,
      pass: row.clientele.p99 < P99_LIMIT_MS,
    })
  }
  return checks
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
  const body = rows.map((r) => [
    r.label,
    r.backend,
    whole(r.clientele.rps),
    fixed(r.clientele.p50, 2),
    fixed(r.clientele.p99, 2),
    whole(r.bare.rps),
    fixed(r.ratio, 2),
    r.customersPerSecond === undefined ? '' : whole(r.customersPerSecond),
    fixed(r.clientele.cpuMsPerRequest, 3),
    fixed(r.bare.cpuMsPerRequest, 3),
    fixed(r.clientele.serverCores, 2),
    // a figure from failed requests measures the failure path: flag it
    r.clientele.errors + r.clientele.non2xx + r.bare.errors + r.bare.non2xx > 0
      ? `${r.clientele.errors}/${r.clientele.non2xx} (bare ${r.bare.errors}/${r.bare.non2xx})`
      : '0',
  ])
  return table(
    ['scenario', 'backend', 'req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'ratio', 'customers/s', 'cpu ms/req', 'bare cpu', 'cores', 'errors/non-2xx'],
    body,
    new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]),
  )
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
