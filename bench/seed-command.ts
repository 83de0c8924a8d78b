import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/connect.js'
import type { Backend, BenchConfig } from './config.js'
import { REPO_ROOT } from './processes.js'
import type { TargetCheck } from './report.js'

// `clientele seed` as a user runs it: its own process, into a database of its own, customers with
// one address each (the shape), timed by the command's own summary (the writing, without
// the process start) and by the wall clock. Goals: 50,000 customers/s on SQLite, 20,000 on
// PostgreSQL, and a million customers in under a minute on SQLite (SCALE=1m). No bare server
// writes customers: these are rates, not ratios.

const RATE_GOAL: Record<Backend, number> = { sqlite: 50_000, postgres: 20_000 }
const MILLION_GOAL_S = 60

export interface SeedCommandReport {
  backend: Backend
  customers: number
  /** the seed's own time, from its summary line */
  seconds: number
  wallSeconds: number
  customersPerSecond: number
}

export async function benchSeedCommand(backend: Backend, config: BenchConfig, tempDir: string): Promise<SeedCommandReport> {
  const dir = mkdtempSync(join(tempDir, 'seed-'))
  const schema = `${config.postgresSchema}_seed`
  const env: Record<string, string> = backend === 'sqlite' ? { DATABASE_URL: join(dir, 'seed.db') } : { DATABASE_URL: config.postgresUrl!, DATABASE_SCHEMA: schema }
  try {
    if (backend === 'postgres') {
      const { db } = openDatabase(config.postgresUrl!, { poolSize: 1 })
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
      await sql`create schema ${sql.id(schema)}`.execute(db)
      await db.destroy()
    }
    clientele(['migrate'], env)
    const started = performance.now()
    const out = clientele(['seed', '--store', 'seeded', '--customers', String(config.seedCustomers), '--addresses', '1', '--seed', '1'], env)
    const wallSeconds = (performance.now() - started) / 1000
    const seconds = Number(/ in ([\d.]+) s /.exec(out)?.[1])
    return { backend, customers: config.seedCustomers, seconds, wallSeconds, customersPerSecond: config.seedCustomers / seconds }
  } finally {
    if (backend === 'postgres') {
      const { db } = openDatabase(config.postgresUrl!, { poolSize: 1 })
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
      await db.destroy()
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

function clientele(args: string[], env: Record<string, string>): string {
  const result = spawnSync(process.execPath, ['bin/clientele.js', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`clientele ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

export function formatSeedCommand(reports: SeedCommandReport[]): string | undefined {
  if (reports.length === 0) return undefined
  return ['clientele seed (one address per customer):', ...reports.map((r) =>
    `  ${r.backend}: ${r.customers.toLocaleString('en-US')} customers in ${r.seconds.toFixed(1)} s (${Math.round(r.customersPerSecond).toLocaleString('en-US')} customers/s; ${r.wallSeconds.toFixed(1)} s with the process start)`,
  )].join('\n')
}

export function checkSeedTargets(reports: SeedCommandReport[]): TargetCheck[] {
  return reports.flatMap((r) => {
    const rate = { target: `${r.backend}: clientele seed >= ${RATE_GOAL[r.backend].toLocaleString('en-US')} customers/s`, measured: `${Math.round(r.customersPerSecond).toLocaleString('en-US')} customers/s`, pass: r.customersPerSecond >= RATE_GOAL[r.backend] }
    if (r.backend !== 'sqlite' || r.customers < 1_000_000) return [rate]
    return [rate, { target: `sqlite: 1,000,000 customers seeded < ${MILLION_GOAL_S} s`, measured: `${r.wallSeconds.toFixed(1)} s`, pass: r.wallSeconds < MILLION_GOAL_S }]
  })
}
