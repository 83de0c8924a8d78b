// What one benchmark run measures, read once from the environment (bench/README.md lists it).

export type Backend = 'sqlite' | 'postgres'

/** the store size the goals are set for: 100,000 customers, or 1,000,000 for the growth and memory goals */
export type Scale = '100k' | '1m'

const DEFAULT_CUSTOMERS: Record<Scale, number> = { '100k': 100_000, '1m': 1_000_000 }

export interface BenchConfig {
  scale: Scale
  /** customers seeded into the store before any measurement (the scale's, unless BENCH_CUSTOMERS says otherwise) */
  customers: number
  /** how many of them (from id 1) get addresses and attribute values */
  subresourceCustomers: number
  /** seconds each measurement runs */
  duration: number
  /** seconds of unrecorded load before each measurement, so the JIT and caches are warm */
  warmup: number
  connections: number
  /** undefined when PostgreSQL is not configured: the run says it was skipped */
  postgresUrl: string | undefined
  /** the PostgreSQL schema the run owns: dropped and recreated at the start */
  postgresSchema: string
  backends: Backend[]
  /** scenario keys to run (all when unset) */
  scenarios: string[] | undefined
  /** write a V8 CPU profile of each Clientele server child into bench/results/profiles */
  profile: boolean
  /** force the load generator: 'wrk' or 'autocannon' (default: wrk when on PATH) */
  tool: 'wrk' | 'autocannon' | undefined
  /** events (customers created, one event each) the webhook delivery measurement waits for */
  webhookEvents: number
  /** customers of the store whose snapshot is saved and restored (the goal is set for 10,000) */
  snapshotCustomers: number
  /** customers `clientele seed` writes into a database of its own (the scale's, unless BENCH_SEED_CUSTOMERS says otherwise) */
  seedCustomers: number
  /** an earlier run's results JSON to compare this run's req/s with (the growth from 100k to 1m needs two runs) */
  compare: string | undefined
}

function positive(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${text}"`)
  return n
}

function list(name: string): string[] | undefined {
  const text = process.env[name]
  return text ? text.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined
}

export function loadBenchConfig(): BenchConfig {
  const postgresUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined
  const wanted = list('BENCH_BACKENDS') ?? ['sqlite', 'postgres']
  const tool = process.env.BENCH_TOOL
  if (tool !== undefined && tool !== '' && tool !== 'wrk' && tool !== 'autocannon') {
    throw new Error(`BENCH_TOOL must be "wrk" or "autocannon", not "${tool}"`)
  }
  const scale = process.env.SCALE || '100k'
  if (scale !== '100k' && scale !== '1m') throw new Error(`SCALE must be "100k" or "1m", not "${scale}"`)
  return {
    scale,
    customers: Math.round(positive('BENCH_CUSTOMERS', DEFAULT_CUSTOMERS[scale])),
    subresourceCustomers: Math.round(positive('BENCH_SUBRESOURCE_CUSTOMERS', 10_000)),
    duration: positive('BENCH_DURATION', 10),
    warmup: positive('BENCH_WARMUP', 1),
    connections: Math.round(positive('BENCH_CONNECTIONS', 16)),
    postgresUrl,
    postgresSchema: process.env.BENCH_DATABASE_SCHEMA || 'clientele_bench',
    backends: wanted.filter((b): b is Backend => b === 'sqlite' || b === 'postgres'),
    scenarios: list('BENCH_SCENARIOS'),
    profile: process.env.BENCH_PROFILE === '1',
    tool: tool === 'wrk' || tool === 'autocannon' ? tool : undefined,
    webhookEvents: Math.round(positive('BENCH_WEBHOOK_EVENTS', 20_000)),
    compare: process.env.BENCH_COMPARE || undefined,
    snapshotCustomers: Math.round(positive('BENCH_SNAPSHOT_CUSTOMERS', 10_000)),
    seedCustomers: Math.round(positive('BENCH_SEED_CUSTOMERS', DEFAULT_CUSTOMERS[scale])),
  }
}
