import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

// The servers under load run in child processes of their own, so the load generator (in this
// process) never shares their event loop: what is measured is what a client would see.

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface RunningServer {
  origin: string
  /** CPU time the server process has used so far (user + system, all threads), seconds; NaN off Linux */
  cpuSeconds(): number
  /** the server process's resident memory now (VmRSS), bytes; NaN off Linux */
  rssBytes(): number
  stop(): Promise<void>
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/**
 * Reads a process's CPU time from /proc. Unlike req/s, CPU per request hardly changes when other
 * work shares the machine, so it still compares runs made on a busy box.
 */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // fields after the parenthesised command name: state is the first, utime the 12th, stime the 13th
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return NaN
  }
}

/** Reads a process's resident set size from /proc/<pid>/status (`VmRSS:   123456 kB`). */
function rssBytes(pid: number | undefined): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : NaN
  } catch {
    return NaN
  }
}

/** The handle of a started child server at `origin`. */
function running(child: ChildProcess, origin: string): RunningServer {
  return { origin, cpuSeconds: () => cpuSeconds(child.pid), rssBytes: () => rssBytes(child.pid), stop: stopper(child) }
}

/** Stderr (and stray stdout) lines a child may print before the run mentions them; more are counted. */
const ECHOED_LINES = 20

/** Resolves with the first stdout line matching `ready`; rejects if the child exits first. */
function started(child: ChildProcess, name: string, ready: RegExp): Promise<RegExpMatchArray> {
  let echoed = 0
  const echo = (line: string) => {
    if (echoed++ < ECHOED_LINES) process.stderr.write(`  [${name}] ${line}\n`)
    else if (echoed === ECHOED_LINES + 1) process.stderr.write(`  [${name}] (further output not shown)\n`)
  }
  return new Promise((resolve, reject) => {
    let ok = false
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = ok ? null : ready.exec(line)
      if (match) {
        ok = true
        resolve(match)
      } else if (ok) {
        // after start-up, anything the server prints is a warning or an error: show it
        echo(line)
      }
    })
    createInterface({ input: child.stderr! }).on('line', echo)
    child.once('exit', (code, signal) => {
      if (!ok) reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`))
    })
  })
}

/** children the run asked to stop: any other exit is unexpected, and said so */
const stopped = new WeakSet<ChildProcess>()

function reportUnexpectedExit(child: ChildProcess, name: string): void {
  child.once('exit', (code, signal) => {
    if (!stopped.has(child)) process.stderr.write(`  [${name}] exited unexpectedly (code ${code}, signal ${signal})\n`)
  })
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      stopped.add(child)
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000)
      child.once('exit', () => {
        clearTimeout(force)
        resolve()
      })
      child.kill('SIGTERM')
    })
}

export interface ClienteleOptions {
  databaseUrl: string
  schema?: string
  /** extra node flags, e.g. --cpu-prof */
  nodeFlags?: string[]
  /** more environment (ADMIN_TOKEN, INSPECTOR=off), set after the defaults */
  env?: Record<string, string>
}

/** `clientele serve` as production runs it: a fresh node process, configured by environment. */
export async function startClientele(options: ClienteleOptions): Promise<RunningServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    // Production's shape: no dev store, so no dev-mode admin token and no inspector recording
    // every request (a scenario that wants them sets ADMIN_TOKEN itself).
    CLIENTELE_DEV_STORE: 'false',
  }
  delete env.DATABASE_SCHEMA
  delete env.ADMIN_TOKEN
  // validate-credentials runs under the default login limits (5 failures per email, 100 per client
  // address, in 5 minutes): its logins all succeed and give their attempt back, so none is refused.
  for (const name of ['LOGIN_FAILURES_PER_EMAIL', 'LOGIN_FAILURES_PER_CLIENT', 'LOGIN_FAILURE_WINDOW_MS']) delete env[name]
  // The delivery worker runs with serve's defaults (WEBHOOK_POLL_MS, WEBHOOK_MAX_IN_FLIGHT, ...,
  // WEBHOOK_DESTINATIONS=any, so the bench's receiver on 127.0.0.1 is allowed), whatever the shell says.
  for (const name of Object.keys(env)) if (name.startsWith('WEBHOOK_')) delete env[name]
  for (const name of ['INSPECTOR', 'INSPECTOR_SIZE', 'INSPECTOR_BODY_LIMIT']) delete env[name]
  if (options.schema) env.DATABASE_SCHEMA = options.schema
  Object.assign(env, options.env)
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), 'bin/clientele.js', 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // the last line `serve` prints at start-up; anything after it is a warning or an error
  const match = await started(child, 'clientele', /^API docs: (http:\/\/\S+)\/docs$/)
  reportUnexpectedExit(child, 'clientele')
  return running(child, match[1]!)
}

/** A captured HTTP response, as the bare server replays it. */
export interface CapturedResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** The bare `node:http` server (bench/bare-server.ts), answering every request with `response`. */
export async function startBareServer(response: CapturedResponse): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin!.end(JSON.stringify({ status: response.status, headers: response.headers, body: response.body.toString('base64') }))
  const match = await started(child, 'bare', /^listening (\d+)$/)
  return running(child, `http://127.0.0.1:${match[1]}`)
}

/** The webhook receiver (bench/receiver.ts): answers every delivery 200 with no body, and counts them. */
export async function startReceiver(): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/receiver.ts'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const match = await started(child, 'receiver', /^listening (\d+)$/)
  reportUnexpectedExit(child, 'receiver')
  return running(child, `http://127.0.0.1:${match[1]}`)
}
