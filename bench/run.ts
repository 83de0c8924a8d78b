import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadBenchConfig, type Backend, type BenchConfig } from './config.js'
import { withEventLoop, type EventLoopReport } from './event-loop.js'
import { chooseTool, measure, nextBody, warmUp, type LoadResult, type LoadSpec, type Tool } from './load.js'
import { benchInspector, checkInspectorTargets, formatInspector, type InspectorReport } from './inspector.js'
import { REPO_ROOT, startBareServer, startClientele, type CapturedResponse, type RunningServer } from './processes.js'
import { summarizeProfile } from './profile-summary.js'
import {
  checkGrowthTargets,
  checkMemoryTargets,
  checkTargets,
  checkWebhookTargets,
  compareRuns,
  formatComparison,
  formatEventLoop,
  formatEventLoopLine,
  formatResults,
  formatTargets,
  formatWebhooks,
  megabytes,
  readEarlierRun,
  writeResults,
  type Comparison,
  type MemoryReading,
  type Row,
} from './report.js'
import { labelOf, loadSpec, SCENARIOS, type Scenario } from './scenarios.js'
import { seedStore, type SeededStore } from './seed.js'
import { benchExport, benchSnapshots, checkStoreFileTargets, formatStoreFiles, type StoreFilesReport } from './store-files.js'
import { benchSeedCommand, checkSeedTargets, formatSeedCommand, type SeedCommandReport } from './seed-command.js'
import { benchTwoNodes, type TwoNodeRow } from './two-nodes.js'
import { benchWebhooks, waitForQuiet, type WebhookReport } from './webhooks.js'

// `npm run bench`: for each backend, seed a store, start `clientele serve` in a child process,
// and measure each scenario against it and against a bare node:http server replaying the same
// response bytes. Prints a table and the goals, and records the run in bench/results/.

const print = (line = '') => process.stdout.write(`${line}\n`)
const PROFILE_DIR = join(REPO_ROOT, 'bench', 'results', 'profiles')

/** One request, its response kept byte for byte for the bare server; it must have the status the scenario expects. */
async function capture(spec: LoadSpec): Promise<CapturedResponse> {
  const response = await fetch(spec.url, {
    method: spec.method,
    headers: spec.headers,
    ...(spec.body ? { body: nextBody(spec.body) } : {}),
  })
  const body = Buffer.from(await response.arrayBuffer())
  if (response.status !== spec.expectedStatus) {
    throw new Error(`${spec.method} ${spec.url} answered ${response.status}, not ${spec.expectedStatus}: ${body.toString('utf8').slice(0, 500)}`)
  }
  return { status: response.status, headers: Object.fromEntries(response.headers), body }
}

/** When a measurement saw non-2xx answers: what one more request of the kind gets now. */
async function failureSample(spec: LoadSpec): Promise<string> {
  const response = await fetch(spec.url, { method: spec.method, headers: spec.headers, ...(spec.body ? { body: nextBody(spec.body) } : {}) })
  return `${response.status} ${(await response.text()).slice(0, 300)}`
}

/** The bare server replaying `captured`, under the same load as Clientele. */
async function measureBare(scenario: Scenario, store: SeededStore, captured: CapturedResponse, config: BenchConfig, tool: Tool, connections: number, counter: { next: number }): Promise<LoadResult> {
  const bareServer = await startBareServer(captured)
  try {
    return await measure(tool, loadSpec(scenario, store, bareServer.origin, counter), bareServer, connections, config.warmup, config.duration)
  } finally {
    await bareServer.stop()
  }
}

async function runScenario(scenario: Scenario, store: SeededStore, server: RunningServer, config: BenchConfig, tool: Tool, counter: { next: number }): Promise<Row> {
  const spec = loadSpec(scenario, store, server.origin, counter)
  const connections = Math.min(config.connections, scenario.maxConnections ?? Infinity)
  const load1 = loadavg()[0]!
  const captured = await capture(spec)
  await scenario.precheck?.(spec, store)
  const run = () => measure(tool, spec, server, connections, config.warmup, config.duration)
  let clientele: LoadResult
  let eventLoop: EventLoopReport | undefined
  if (scenario.eventLoop) {
    const storeUrl = `${server.origin}/stores/${store.storeHash}/v3`
    ;({ value: clientele, report: eventLoop } = await withEventLoop(server, storeUrl, store.token, config.warmup + config.duration, run))
  } else {
    clientele = await run()
  }
  const failure = clientele.non2xx > 0 ? await failureSample(spec) : undefined
  const bare = scenario.bare === false ? undefined : await measureBare(scenario, store, captured, config, tool, connections, counter)
  const written = scenario.items ? clientele.rps * scenario.items.count : undefined
  const row: Row = {
    scenario: scenario.key,
    label: labelOf(scenario, store),
    backend: store.backend,
    clientele,
    ...(bare ? { bare, ratio: clientele.rps / bare.rps } : {}),
    responseBytes: captured.body.length,
    connections,
    load1,
    ...(failure ? { failureSample: failure } : {}),
    ...(scenario.items?.name === 'customers' ? { customersPerSecond: written } : {}),
    ...(scenario.items?.name === 'metafields' ? { metafieldsPerSecond: written } : {}),
    ...(eventLoop ? { eventLoop } : {}),
  }
  const bareText = bare
    ? `bare ${Math.round(bare.rps).toString().padStart(6)} req/s  ${bare.cpuMsPerRequest.toFixed(3)} cpu-ms/req -> ${row.ratio!.toFixed(2)} x`
    : 'no bare server'
  print(
    `  ${row.label.padEnd(22)} ${Math.round(clientele.rps).toString().padStart(6)} req/s  p99 ${clientele.p99.toFixed(2).padStart(6)} ms` +
      `  ${clientele.cpuMsPerRequest.toFixed(3)} cpu-ms/req | ${bareText}  (load avg ${load1.toFixed(1)})`,
  )
  if (eventLoop) print(formatEventLoopLine(eventLoop))
  if (failure) {
    const statuses = Object.entries(clientele.statuses ?? {}).map(([code, n]) => `${n} x ${code}`).join(', ')
    if (statuses) print(`    answers by status: ${statuses}`)
    print(`    one more such request after the measurement got: ${failure}`)
  }
  return row
}

interface BackendResult {
  rows: Row[]
  /** the server's resident memory at the end of the GET scenarios (absent when none ran) */
  rssBytes?: number
  webhooks?: WebhookReport
  profile?: string
}

async function benchBackend(store: SeededStore, config: BenchConfig, tool: Tool, scenarios: Scenario[]): Promise<BackendResult> {
  // Node writes one profile per thread (tsx's module loader has one of its own), so each server
  // gets a directory and the largest file, the main thread's, is the one summarised.
  const profileDir = join(PROFILE_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-${store.backend}`)
  if (config.profile) mkdirSync(profileDir, { recursive: true })
  const server = await startClientele({
    databaseUrl: store.databaseUrl,
    ...(store.schema ? { schema: store.schema } : {}),
    ...(config.profile ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
  })
  const result: BackendResult = { rows: [] }
  // The memory the seeded store costs the server once every read has run, before the writes add to it.
  const lastGet = scenarios.findLast((s) => s.method === 'GET')
  try {
    // one counter per database: every created email of the run is new to it
    const counter = { next: 0 }
    // The seeding wrote an event per customer, which the server's worker dispatches (to no hook)
    // as it starts: measured alongside, it would take the CPU from the first scenarios.
    const quiet = await waitForQuiet(server.origin)
    print(`  the seeding's ${store.customers.toLocaleString('en-US')} events dispatched in ${quiet.toFixed(1)} s before the scenarios`)
    // Every GET once, unrecorded, before any is measured: the first measured would otherwise pay
    // for the JIT compiling the request path they all share.
    for (const scenario of scenarios.filter((s) => s.method === 'GET')) {
      await warmUp(tool, loadSpec(scenario, store, server.origin, counter), Math.min(config.connections, scenario.maxConnections ?? Infinity), config.warmup)
    }
    for (const scenario of scenarios) {
      result.rows.push(await runScenario(scenario, store, server, config, tool, counter))
      if (scenario === lastGet) {
        result.rssBytes = server.rssBytes()
        print(`  server RSS after the GET scenarios: ${megabytes(result.rssBytes)}`)
      }
    }
    // after the scenarios, so no hook's deliveries ever share the CPU with them
    const webhooks = await benchWebhooks(store, server, config, tool, counter)
    if (webhooks) result.webhooks = webhooks
  } finally {
    await server.stop()
  }
  if (!config.profile) return result
  const largest = readdirSync(profileDir)
    .map((name) => join(profileDir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]
  if (!largest) return result
  print(`  CPU profile of the server: ${largest}`)
  print(summarizeProfile(largest).replace(/^/gm, '    '))
  return { ...result, profile: largest }
}

function describe(config: BenchConfig): Record<string, unknown> {
  const url = config.postgresUrl ? new URL(config.postgresUrl) : undefined
  if (url) url.password = ''
  return { ...config, postgresUrl: url?.toString() }
}

async function main(): Promise<void> {
  const config = loadBenchConfig()
  const tool = chooseTool(config.tool)
  const scenarios = SCENARIOS.filter((s) => !config.scenarios || config.scenarios.includes(s.key))
  const startedAt = new Date()
  print(`Clientele benchmark, ${startedAt.toISOString()}`)
  print(`  node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`)
  print(`  load: ${tool}, ${config.connections} connections, ${config.warmup} s warm-up + ${config.duration} s per measurement`)
  print(`  store: ${config.customers.toLocaleString('en-US')} seeded customers (SCALE=${config.scale})`)
  const [load1] = loadavg()
  print(`  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  // Other work on the machine takes CPU from the servers and the load generator alike: req/s and
  // latency suffer, CPU per request much less.
  if (load1! > cpus().length / 2) print('  WARNING: the machine is busy; req/s and latencies will read low (compare cpu ms/req)')

  // read before the seeding and measuring, so a wrong path fails at once
  const earlier = config.compare ? readEarlierRun(config.compare) : undefined
  const tempDir = mkdtempSync(join(tmpdir(), 'clientele-bench-'))
  const rows: Row[] = []
  const memory: MemoryReading[] = []
  const webhooks: WebhookReport[] = []
  const backends: Record<string, unknown>[] = []
  let twoNodes: TwoNodeRow[] = []
  const storeFiles: StoreFilesReport[] = []
  const seeds: SeedCommandReport[] = []
  const inspector: InspectorReport[] = []
  // Not load scenarios: BENCH_SCENARIOS names them `seed`, `snapshots`, `export` and `inspector` to pick them.
  const wants = (key: string) => !config.scenarios || config.scenarios.includes(key)
  try {
    for (const backend of ['sqlite', 'postgres'] as Backend[]) {
      print()
      if (!config.backends.includes(backend)) {
        print(`${backend}: skipped (not in BENCH_BACKENDS)`)
        backends.push({ backend, skipped: 'not in BENCH_BACKENDS' })
        continue
      }
      if (backend === 'postgres' && !config.postgresUrl) {
        print('postgres: SKIPPED: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to measure PostgreSQL')
        backends.push({ backend, skipped: 'no BENCH_DATABASE_URL or TEST_DATABASE_URL' })
        continue
      }
      if (wants('seed')) {
        print(`${backend}: clientele seed of ${config.seedCustomers.toLocaleString('en-US')} customers into a database of its own ...`)
        seeds.push(await benchSeedCommand(backend, config, tempDir))
      }
      // The main store is for the load scenarios and the export; `BENCH_SCENARIOS=seed` alone needs none.
      if (scenarios.length === 0 && !wants('snapshots') && !wants('inspector')) {
        backends.push({ backend, seedOnly: true })
        continue
      }
      print(`${backend}: seeding ${config.customers.toLocaleString('en-US')} customers ...`)
      const store = await seedStore(backend, config, tempDir)
      const { addresses, attributeValues, metafields } = store.subresources
      print(
        `  seeded in ${store.insertSeconds.toFixed(1)} s (${Math.round(store.customers / store.insertSeconds).toLocaleString('en-US')} customers/s` +
          ` through createCustomers, with ${addresses.toLocaleString('en-US')} addresses and ${attributeValues.toLocaleString('en-US')} attribute values` +
          ` nested; fake data made in ${store.generateSeconds.toFixed(1)} s)`,
      )
      print(`  ${metafields.toLocaleString('en-US')} metafields seeded in ${store.metafieldSeconds.toFixed(1)} s through createMetafields`)
      print(`  filtered GET: company:in="${store.filterCompany.name}" (${store.filterCompany.customers} customers)`)
      print(`  name:like GET: name:like="${store.filterName.term}" (${store.filterName.customers} customers)`)
      print(`  date GET: date_created:min=${store.filterDate.min} (${store.filterDate.customers} customers)`)
      const result = await benchBackend(store, config, tool, scenarios)
      rows.push(...result.rows)
      if (result.rssBytes !== undefined) memory.push({ backend, rssBytes: result.rssBytes })
      if (result.webhooks) webhooks.push(result.webhooks)
      if (backend === 'postgres') twoNodes = await benchTwoNodes(store, config, tool)
      if (wants('inspector')) inspector.push(await benchInspector(store, config, tool))
      if (wants('snapshots')) {
        print(`${backend}: snapshot of a ${config.snapshotCustomers.toLocaleString('en-US')}-customer store, saved and restored ...`)
        const report = await benchSnapshots(backend, config, tempDir)
        if (wants('export')) {
          const exported = benchExport(store, tempDir)
          if (exported) report.export = exported
        }
        storeFiles.push(report)
      }
      backends.push({
        backend,
        database: backend === 'sqlite' ? 'temporary file' : `schema ${store.schema}`,
        customers: store.customers,
        seedSeconds: store.insertSeconds,
        metafieldSeedSeconds: store.metafieldSeconds,
        generateSeconds: store.generateSeconds,
        subresources: store.subresources,
        filterCompany: store.filterCompany,
        filterName: store.filterName,
        filterDate: store.filterDate,
        ...(result.rssBytes !== undefined ? { rssBytes: result.rssBytes } : {}),
        ...(result.profile ? { profile: result.profile } : {}),
      })
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true })
  }

  const comparisons: Comparison[] = earlier ? compareRuns(rows, earlier) : []
  // the memory and growth goals are about a store of a million customers
  const scaleTargets = config.scale === '1m' ? [...checkMemoryTargets(memory), ...(earlier ? checkGrowthTargets(comparisons) : [])] : []
  const targets = [...checkTargets(rows), ...scaleTargets, ...checkWebhookTargets(webhooks), ...checkStoreFileTargets(storeFiles, config.scale), ...checkSeedTargets(seeds), ...checkInspectorTargets(inspector)]
  print()
  // Each section of the report, then a blank line; a section with nothing measured is left out.
  const sections = [
    formatResults(rows),
    earlier ? formatComparison(earlier, config.customers, comparisons) : undefined,
    formatEventLoop(rows),
    formatWebhooks(webhooks),
    formatSeedCommand(seeds),
    formatInspector(inspector),
    formatStoreFiles(storeFiles),
  ]
  for (const section of sections) {
    if (!section) continue
    print(section)
    print()
  }
  print('Goals (reported, not enforced):')
  print(formatTargets(targets))
  const file = writeResults(startedAt, {
    startedAt: startedAt.toISOString(),
    loadAverageAtStart: loadavg(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    tool,
    config: describe(config),
    backends,
    rows,
    memory,
    ...(earlier ? { comparedWith: earlier.file, comparisons } : {}),
    twoNodes,
    webhooks,
    storeFiles,
    seeds,
    inspector,
    targets,
  })
  print()
  print(`Results written to ${file}`)
}

await main()
