#!/usr/bin/env node
// `npm run start-time`: how long Clientele takes to start. (a) process start to the first 200 from
// GET /healthz, on a SQLite database that exists and is migrated already; (b) `clientele --help`.
// Medians of 5 runs, printed beside their targets; it always exits 0 (a measurement, not a test).
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/clientele.js')
const RUNS = 5
const CONFIG_VARIABLES = ['HOST', 'PORT', 'DATABASE_URL', 'DATABASE_SCHEMA', 'LOG_LEVEL', 'ADMIN_TOKEN', 'REDIS_URL', 'MIGRATE_ON_START']

function env(extra) {
  const base = { ...process.env }
  for (const name of CONFIG_VARIABLES) delete base[name]
  return { ...base, ...extra }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function healthzOnce(dbFile) {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: env({ PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: dbFile }),
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
  let exited = false
  const closed = new Promise((resolve) => child.once('close', () => { exited = true; resolve() }))
  try {
    while (performance.now() - started < 30_000) {
      if (exited) throw new Error(`clientele serve exited before answering /healthz\n${stderr}`)
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`)
        await response.arrayBuffer()
        if (response.status === 200) return performance.now() - started
      } catch {
        // not listening yet
      }
      await sleep(10)
    }
    throw new Error('no 200 from /healthz within 30 s')
  } finally {
    if (!exited) child.kill('SIGKILL')
    await closed
  }
}

function helpOnce() {
  const started = performance.now()
  const result = spawnSync(process.execPath, [BIN, '--help'], { cwd: ROOT, env: env({}), encoding: 'utf8' })
  const elapsed = performance.now() - started
  if (result.status !== 0) throw new Error(`clientele --help exited ${result.status}\n${result.stderr}`)
  return elapsed
}

const dir = mkdtempSync(join(tmpdir(), 'clientele-start-time-'))
try {
  const dbFile = join(dir, 'clientele.db')
  const migrate = spawnSync(process.execPath, [BIN, 'migrate'], { cwd: ROOT, env: env({ DATABASE_URL: dbFile, LOG_LEVEL: 'warn' }), encoding: 'utf8' })
  if (migrate.status !== 0) throw new Error(`clientele migrate exited ${migrate.status}\n${migrate.stdout}${migrate.stderr}`)

  const healthz = []
  for (let i = 0; i < RUNS; i++) healthz.push(await healthzOnce(dbFile))
  const help = []
  for (let i = 0; i < RUNS; i++) help.push(helpOnce())

  console.log(`start to first /healthz 200: ${Math.round(median(healthz))} ms (median of ${RUNS}; target < 1500 ms)`)
  console.log(`clientele --help: ${Math.round(median(help))} ms (median of ${RUNS}; target < 500 ms)`)
  console.log(`  runs: healthz ${healthz.map(Math.round).join(', ')} ms; --help ${help.map(Math.round).join(', ')} ms`)
} catch (error) {
  console.log(`start-time: could not measure: ${error instanceof Error ? error.message : error}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
process.exit(0)
