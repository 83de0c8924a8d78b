import type { Backend, BenchConfig } from './config.js'
import { measure, type LoadResult, type Tool } from './load.js'
import { startClientele, type RunningServer } from './processes.js'
import type { TargetCheck } from './report.js'
import { loadSpec, SCENARIOS } from './scenarios.js'
import type { SeededStore } from './seed.js'
import { waitForQuiet } from './webhooks.js'

// What the request inspector costs (docs/COMPATIBILITY.md "Request inspector"): GET page of 50
// against two `clientele serve` on the seeded database, both with the admin API (ADMIN_TOKEN),
// one keeping every request (the defaults: 200 entries per store, bodies cut at 16 KiB, in memory)
// and one with INSPECTOR=off, measured in turns (off, on, three times each) so that the machine's other
// work weighs on both alike. Goal: on >= 0.90 x off.

const GOAL = 0.9
const ROUNDS = 3
const ADMIN_TOKEN = 'bench-admin-token'

export interface InspectorReport {
  backend: Backend
  on: LoadResult[]
  off: LoadResult[]
  /** req/s over every turn, inspector on and off */
  onRps: number
  offRps: number
  ratio: number
}

const print = (line = '') => process.stdout.write(`${line}\n`)

const rateOf = (results: LoadResult[]) => results.reduce((n, r) => n + r.rps * r.seconds, 0) / results.reduce((s, r) => s + r.seconds, 0)
const cpuOf = (results: LoadResult[]) => results.reduce((n, r) => n + r.cpuMsPerRequest * r.requests, 0) / results.reduce((n, r) => n + r.requests, 0)

/** The inspector must be keeping the page requests, or the run would measure nothing. */
async function checkRecording(server: RunningServer, store: SeededStore, on: boolean): Promise<void> {
  const response = await fetch(`${server.origin}/admin/stores/${store.storeHash}/requests?limit=1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  const body = (await response.json()) as { data?: { path: string }[] }
  const kept = response.status === 200 && (body.data?.length ?? 0) > 0
  if (kept !== on) throw new Error(`inspector ${on ? 'on' : 'off'}: GET .../requests answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`)
}

export async function benchInspector(store: SeededStore, config: BenchConfig, tool: Tool): Promise<InspectorReport> {
  const scenario = SCENARIOS.find((s) => s.key === 'get-page')!
  const start = (env: Record<string, string>) =>
    startClientele({ databaseUrl: store.databaseUrl, ...(store.schema ? { schema: store.schema } : {}), env: { ADMIN_TOKEN, ...env } })
  const [on, off] = await Promise.all([start({}), start({ INSPECTOR: 'off' })])
  try {
    await waitForQuiet(on.origin)
    print()
    print(`${store.backend}: the request inspector, GET page of 50 with it on and off (INSPECTOR=off), ${ROUNDS} turns each, ${config.connections} connections`)
    const results: Record<'on' | 'off', LoadResult[]> = { on: [], off: [] }
    const counter = { next: 20_000_000 }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [mode, server] of [['off', off], ['on', on]] as const) {
        const result = await measure(tool, loadSpec(scenario, store, server.origin, counter), server, config.connections, config.warmup, config.duration)
        results[mode].push(result)
        print(`  ${mode.padEnd(3)} ${Math.round(result.rps).toString().padStart(6)} req/s  p99 ${result.p99.toFixed(2).padStart(6)} ms  ${result.cpuMsPerRequest.toFixed(3)} cpu-ms/req`)
      }
    }
    await checkRecording(on, store, true)
    await checkRecording(off, store, false)
    const onRps = rateOf(results.on)
    const offRps = rateOf(results.off)
    print(`  inspector on / off: ${(onRps / offRps).toFixed(3)} x req/s, cpu-ms/req ${cpuOf(results.on).toFixed(3)} vs ${cpuOf(results.off).toFixed(3)}`)
    return { backend: store.backend, on: results.on, off: results.off, onRps, offRps, ratio: onRps / offRps }
  } finally {
    await Promise.all([on.stop(), off.stop()])
  }
}

export function formatInspector(reports: InspectorReport[]): string | undefined {
  if (reports.length === 0) return undefined
  return ['Request inspector (GET page of 50, turns alternated):', ...reports.map((r) =>
    `  ${r.backend}: on ${Math.round(r.onRps)} req/s (${cpuOf(r.on).toFixed(3)} cpu-ms/req), off ${Math.round(r.offRps)} req/s (${cpuOf(r.off).toFixed(3)} cpu-ms/req) -> ${r.ratio.toFixed(3)} x`,
  )].join('\n')
}

export function checkInspectorTargets(reports: InspectorReport[]): TargetCheck[] {
  return reports.map((r) => ({
    target: `${r.backend}: GET page of 50 with the inspector on >= ${GOAL.toFixed(2)} x off`,
    measured: `${r.ratio.toFixed(3)} x (${Math.round(r.onRps)} vs ${Math.round(r.offRps)} req/s)`,
    pass: r.ratio >= GOAL,
  }))
}
