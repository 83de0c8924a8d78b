import { cpus } from 'node:os'
import type { BenchConfig } from './config.js'
import { measure, type LoadResult, type Tool } from './load.js'
import { startClientele, type RunningServer } from './processes.js'
import { labelOf, loadSpec, SCENARIOS } from './scenarios.js'
import type { SeededStore } from './seed.js'

// The two-node run: the seeded PostgreSQL store served by one `clientele serve` node, then by two
// nodes on the same database with the bench client's connections split between them, as a load
// balancer would. Reports the ratio of two nodes' throughput to one node's. On a machine with
// few cores the nodes, PostgreSQL and the load generator share them: the ratio says how much a
// second node buys on this machine, not on one where each has its own.

/** Reads and writes: the page read scales with CPU, the batch create with PostgreSQL's commits. */
const KEYS = ['get-page', 'post']

export interface TwoNodeRow {
  scenario: string
  label: string
  oneNode: LoadResult
  /** the two nodes' measurements, taken at the same time */
  twoNodes: [LoadResult, LoadResult]
  /** two nodes' req/s (summed) over one node's */
  ratio: number
}

const print = (line = '') => process.stdout.write(`${line}\n`)

async function nodes(store: SeededStore, n: number): Promise<RunningServer[]> {
  return Promise.all(Array.from({ length: n }, () => startClientele({ databaseUrl: store.databaseUrl, ...(store.schema ? { schema: store.schema } : {}) })))
}

async function stopAll(servers: RunningServer[]): Promise<void> {
  await Promise.all(servers.map((server) => server.stop()))
}

/** Measures each scenario on one node, then on two; prints a line per scenario. */
export async function benchTwoNodes(store: SeededStore, config: BenchConfig, tool: Tool): Promise<TwoNodeRow[]> {
  const scenarios = SCENARIOS.filter((s) => KEYS.includes(s.key) && (!config.scenarios || config.scenarios.includes(s.key)))
  if (scenarios.length === 0) return []
  print()
  print(`postgres, two nodes: ${config.connections} connections split over 2 nodes vs all on 1 node (${cpus().length} cores shared by nodes, PostgreSQL and the client)`)
  // Created emails must be new to the database across both measurements.
  const counter = { next: 10_000_000 }
  const rows: TwoNodeRow[] = []
  for (const scenario of scenarios) {
    const single = await nodes(store, 1)
    let oneNode: LoadResult
    try {
      oneNode = await measure(tool, loadSpec(scenario, store, single[0]!.origin, counter), single[0]!, config.connections, config.warmup, config.duration)
    } finally {
      await stopAll(single)
    }

    const pair = await nodes(store, 2)
    let twoNodes: [LoadResult, LoadResult]
    try {
      const half = Math.max(1, Math.floor(config.connections / 2))
      const measured = await Promise.all(pair.map((server) => measure(tool, loadSpec(scenario, store, server.origin, counter), server, half, config.warmup, config.duration)))
      twoNodes = [measured[0]!, measured[1]!]
    } finally {
      await stopAll(pair)
    }

    const combined = twoNodes[0].rps + twoNodes[1].rps
    const row: TwoNodeRow = { scenario: scenario.key, label: labelOf(scenario, store), oneNode, twoNodes, ratio: combined / oneNode.rps }
    rows.push(row)
    const failures = [oneNode, ...twoNodes].reduce((n, r) => n + r.errors + r.non2xx, 0)
    print(
      `  ${row.label.padEnd(22)} 1 node ${Math.round(oneNode.rps).toString().padStart(6)} req/s (p99 ${oneNode.p99.toFixed(2)} ms)` +
        ` | 2 nodes ${Math.round(combined).toString().padStart(6)} req/s (p99 ${Math.max(twoNodes[0].p99, twoNodes[1].p99).toFixed(2)} ms)` +
        ` -> ${row.ratio.toFixed(2)} x${failures > 0 ? `  (${failures} errors or non-2xx)` : ''}`,
    )
  }
  return rows
}
