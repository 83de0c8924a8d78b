import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDatabase } from '../src/db/connect.js'

import { createSnapshot, restoreSnapshot } from '../src/stores/snapshots.js'
import type { Backend, BenchConfig } from './config.js'
import { REPO_ROOT } from './processes.js'
import type { TargetCheck } from './report.js'
import { seedStore, STORE_HASH, type SeededStore } from './seed.js'

// Store files and snapshots: how long a snapshot of a store of `snapshotCustomers` takes to save
// and to restore (the goals: a 10,000-customer store restored in under 1 s on SQLite, 3 s on
// PostgreSQL), and what `clientele export` of the main seeded store costs in time and memory (the
// goal: RSS under 150 MB for a store of a million customers, SCALE=1m). No bare server does any of
// this: the figures are times and sizes, not ratios.

const RESTORES = 3
const RESTORE_GOAL_S: Record<Backend, number> = { sqlite: 1, postgres: 3 }
const EXPORT_RSS_GOAL_MB = 150

export interface StoreFilesReport {
  backend: Backend
  customers: number
  rows: number
  snapshotBytes: number
  saveSeconds: number
  /** median of RESTORES restores */
  restoreSeconds: number
  restores: number[]
  export?: { customers: number; seconds: number; bytes: number; maxRssMb: number }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Save and restore timings on a store of its own, seeded as the main one is. */
export async function benchSnapshots(backend: Backend, config: BenchConfig, tempDir: string): Promise<StoreFilesReport> {
  const dir = mkdtempSync(join(tempDir, 'snapshots-'))
  const store = await seedStore(backend, { ...config, customers: config.snapshotCustomers, subresourceCustomers: config.snapshotCustomers, postgresSchema: `${config.postgresSchema}_snapshots` }, dir)
  const { db } = openDatabase(store.databaseUrl, store.schema ? { schema: store.schema, poolSize: 2 } : {})
  try {
    let started = performance.now()
    const snapshot = await createSnapshot(db, STORE_HASH, { name: 'bench' })
    const saveSeconds = (performance.now() - started) / 1000
    const restores: number[] = []
    for (let i = 0; i < RESTORES; i++) {
      started = performance.now()
      await restoreSnapshot(db, STORE_HASH, 'bench')
      restores.push((performance.now() - started) / 1000)
    }
    return { backend, customers: snapshot.customers, rows: snapshot.rows, snapshotBytes: snapshot.bytes, saveSeconds, restoreSeconds: median(restores), restores }
  } finally {
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `clientele export` of the seeded store as its own process, timed, its peak RSS read by /usr/bin/time. */
export function benchExport(store: SeededStore, tempDir: string): StoreFilesReport['export'] {
  const out = join(tempDir, 'export.ndjson')
  const env = { ...process.env, DATABASE_URL: store.databaseUrl, ...(store.schema ? { DATABASE_SCHEMA: store.schema } : {}), MIGRATE_ON_START: 'false' }
  const started = performance.now()
  const result = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, 'bin/clientele.js', 'export', '--store', store.storeHash, '--out', out], { cwd: REPO_ROOT, env, encoding: 'utf8' })
  const seconds = (performance.now() - started) / 1000
  if (result.status !== 0) throw new Error(`clientele export failed: ${result.stderr}`)
  const maxRssKb = Number(result.stderr.trim().split('\n').at(-1))
  const bytes = statSync(out).size
  rmSync(out, { force: true })
  return { customers: store.customers, seconds, bytes, maxRssMb: maxRssKb / 1024 }
}

export function formatStoreFiles(reports: StoreFilesReport[]): string | undefined {
  if (reports.length === 0) return undefined
  const lines = ['Store files and snapshots:']
  for (const r of reports) {
    lines.push(
      `  ${r.backend}: snapshot of ${r.customers.toLocaleString('en-US')} customers (${r.rows.toLocaleString('en-US')} rows, ${(r.snapshotBytes / 1e6).toFixed(1)} MB gzipped) saved in ${r.saveSeconds.toFixed(2)} s;` +
        ` restored in ${r.restoreSeconds.toFixed(2)} s (median of ${r.restores.map((s) => s.toFixed(2)).join(', ')})`,
    )
    if (r.export) {
      const e = r.export
      lines.push(
        `  ${r.backend}: clientele export of ${e.customers.toLocaleString('en-US')} customers: ${e.seconds.toFixed(1)} s (${Math.round(e.customers / e.seconds).toLocaleString('en-US')} customers/s),` +
          ` ${(e.bytes / 1e6).toFixed(0)} MB, peak RSS ${e.maxRssMb.toFixed(0)} MB`,
      )
    }
  }
  return lines.join('\n')
}

export function checkStoreFileTargets(reports: StoreFilesReport[], scale: string): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const r of reports) {
    const goal = RESTORE_GOAL_S[r.backend]
    checks.push({
      target: `${r.backend}: restore of a ${r.customers.toLocaleString('en-US')}-customer snapshot < ${goal} s`,
      measured: `${r.restoreSeconds.toFixed(2)} s`,
      pass: r.restoreSeconds < goal,
    })
    // The memory goal is about a store of a million customers: judged at SCALE=1m only.
    if (r.export && scale === '1m') {
      checks.push({ target: `${r.backend}: export RSS < ${EXPORT_RSS_GOAL_MB} MB (1M customers)`, measured: `${r.export.maxRssMb.toFixed(0)} MB`, pass: r.export.maxRssMb < EXPORT_RSS_GOAL_MB })
    }
  }
  return checks
}
