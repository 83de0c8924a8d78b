import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { hashPassword, verifyPassword } from '../src/core/passwords.js'
import type { LoadResult } from './load.js'
import { REPO_ROOT, type RunningServer } from './processes.js'

// Whether the server's event loop stays free while a CPU-heavy request runs (validate-credentials:
// scrypt, which Clientele runs on libuv's thread pool). Two views, neither needing anything of the
// server but what it already serves:
// - its own event-loop delay: `clientele serve` exports Node's monitorEventLoopDelay histogram on
//   /metrics (nodejs_eventloop_lag_*), and every scrape resets it, so a scrape before and one after
//   a phase give that phase's figures;
// - a probe: a cheap GET every PROBE_INTERVAL_MS from a process of its own (bench/probe.ts), its
//   latency idle and under the load.

/** The probe's request, under /stores/{hash}/v3: the cheapest authenticated read. */
export const PROBE_PATH = '/customers?limit=1'
const PROBE_INTERVAL_MS = 10
/** seconds of the idle phase (at most BENCH_DURATION) */
const IDLE_SECONDS = 3
/** scrypt verifications timed in the bench process to price one on its own */
const SCRYPT_SAMPLES = 8

export interface LoopSample {
  /** the probe's latency, milliseconds */
  probe: { requests: number; non2xx: number; p50: number; p99: number; max: number }
  /**
   * the server's event-loop delay, milliseconds, as Node's histogram reports it: it times a
   * timer that fires every 10 ms, so an idle loop reads about 10 and a blocked one more
   */
  delay: { p50: number; p99: number; max: number }
}

export interface EventLoopReport {
  idle: LoopSample
  load: LoopSample
  /** one scrypt verification with Clientele's parameters, timed alone in the bench process, milliseconds */
  scrypt: { wallMs: number; cpuMs: number }
  /** libuv's thread pool size in the server: at most this many verifications run at once */
  threadPool: number
  /** the server's CPU per second while idle but for the probe: what the probe adds under load */
  probeCpuMsPerSecond: number
  /** the load's server CPU per request without the probe's share (cpu ms/req counts both) */
  cpuMsPerRequestNet: number
}

const ms = (seconds: number) => seconds * 1000

/** The server's event-loop delay since the previous scrape (which this one resets). */
async function scrapeDelay(origin: string): Promise<LoopSample['delay']> {
  const text = await (await fetch(`${origin}/metrics`)).text()
  const gauge = (name: string) => {
    const match = new RegExp(`^nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)
    if (!match) throw new Error(`/metrics has no nodejs_eventloop_lag_${name}_seconds`)
    return ms(Number(match[1]))
  }
  return { p50: gauge('p50'), p99: gauge('p99'), max: gauge('max') }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Starts the probe; resolves once it is ready, with the promise of its figures. */
async function startProbe(url: string, headers: Record<string, string>, seconds: number): Promise<Promise<LoopSample['probe']>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/probe.ts'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  child.stdin.end(JSON.stringify({ url, headers, seconds, intervalMs: PROBE_INTERVAL_MS }))
  const lines = createInterface({ input: child.stdout })
  let ready: () => void
  let failed: (error: Error) => void
  const isReady = new Promise<void>((resolve, reject) => ((ready = resolve), (failed = reject)))
  const result = new Promise<LoopSample['probe']>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') return ready()
      if (!line.startsWith('result ')) return
      const { requests, non2xx, latencies } = JSON.parse(line.slice('result '.length)) as { requests: number; non2xx: number; latencies: number[] }
      const sorted = latencies.sort((a, b) => a - b)
      resolve({ requests, non2xx, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN })
    })
    child.once('exit', (code) => {
      const error = new Error(`the probe exited with code ${code} before reporting`)
      failed(error)
      reject(error)
    })
  })
  result.catch(() => {})
  await isReady
  return result
}

const idleFor = (seconds: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms(seconds)))

/** The probe and the event-loop delay over `seconds`, while `during` runs (idleFor: while the server idles). */
async function sample<T>(server: RunningServer, probeUrl: string, headers: Record<string, string>, seconds: number, during: () => Promise<T>) {
  const probe = await startProbe(probeUrl, headers, seconds)
  await scrapeDelay(server.origin)
  const cpuBefore = server.cpuSeconds()
  const started = performance.now()
  const value = await during()
  const cpuMsPerSecond = ms(server.cpuSeconds() - cpuBefore) / ((performance.now() - started) / 1000)
  const probed = await probe
  return { sample: { probe: probed, delay: await scrapeDelay(server.origin) }, value, cpuMsPerSecond }
}

/** One scrypt verification with the parameters the server hashes with: its wall and CPU time. */
async function scryptCost(): Promise<EventLoopReport['scrypt']> {
  const hash = await hashPassword('bench-scrypt-1')
  await verifyPassword('bench-scrypt-1', hash)
  const walls: number[] = []
  const cpuBefore = process.cpuUsage()
  for (let i = 0; i < SCRYPT_SAMPLES; i++) {
    const started = performance.now()
    await verifyPassword('bench-scrypt-1', hash)
    walls.push(performance.now() - started)
  }
  const cpu = process.cpuUsage(cpuBefore)
  return { wallMs: percentile(walls.sort((a, b) => a - b), 50), cpuMs: (cpu.user + cpu.system) / 1000 / SCRYPT_SAMPLES }
}

/**
 * Measures the server idle (the probe alone), then runs `load` (which takes `loadSeconds`, its
 * warm-up included) with the probe beside it, and returns its result with the event-loop report.
 * The probe's requests (100 a second) cost the server some CPU: measured idle, and taken off
 * the load's CPU per request in `cpuMsPerRequestNet`.
 */
export async function withEventLoop(
  server: RunningServer,
  storeUrl: string,
  token: string,
  loadSeconds: number,
  load: () => Promise<LoadResult>,
): Promise<{ value: LoadResult; report: EventLoopReport }> {
  const probeUrl = `${storeUrl}${PROBE_PATH}`
  const headers = { 'x-auth-token': token, accept: 'application/json' }
  const scrypt = await scryptCost()
  const idleSeconds = Math.min(IDLE_SECONDS, loadSeconds)
  const idle = await sample(server, probeUrl, headers, idleSeconds, idleFor(idleSeconds))
  const loaded = await sample(server, probeUrl, headers, loadSeconds, load)
  const result = loaded.value
  const probeCpuMs = idle.cpuMsPerSecond * result.seconds
  return {
    value: result,
    report: {
      idle: idle.sample,
      load: loaded.sample,
      scrypt,
      threadPool: Number(process.env.UV_THREADPOOL_SIZE) || 4,
      probeCpuMsPerSecond: idle.cpuMsPerSecond,
      cpuMsPerRequestNet: (result.cpuMsPerRequest * result.requests - probeCpuMs) / result.requests,
    },
  }
}
