import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { afterEach, beforeEach } from 'vitest'
import { buildApp } from '../../src/app.js'
import { openDatabase } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { Database } from '../../src/db/schema.js'
import { send, type Response } from './app.js'
import type { Backend } from './backends.js'

// Real `node bin/clientele.js ...` processes for the tests of `serve` and the CLI: each gets a
// database of its own (a temp SQLite file, or a PostgreSQL schema) and an environment holding only
// what the test gives it, so a developer's own DATABASE_URL or PORT never leaks in.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin/clientele.js')

/** Variables Clientele reads; the spawned process sees only the test's values of them. */
export const CONFIG_VARIABLES = [
  'HOST', 'PORT', 'DATABASE_URL', 'DATABASE_SCHEMA', 'DATABASE_POOL_SIZE', 'LOG_LEVEL', 'ADMIN_TOKEN', 'BODY_LIMIT',
  'REDIS_URL', 'REDIS_KEY_PREFIX', 'CONNECTION_TIMEOUT_MS', 'KEEP_ALIVE_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS', 'JSON_MAX_DEPTH', 'MIGRATE_ON_START',
  'LOGIN_FAILURES_PER_EMAIL', 'LOGIN_FAILURES_PER_CLIENT', 'LOGIN_FAILURE_WINDOW_MS', 'CLIENTELE_DEV_STORE', 'CLIENTELE_DEV_TOKEN', 'DEFAULT_RATE_LIMIT',
  'WEBHOOK_DESTINATIONS', 'WEBHOOK_DELIVERY', 'WEBHOOK_POLL_MS', 'WEBHOOK_TIMEOUT_MS', 'WEBHOOK_RETRY_SCHEDULE', 'WEBHOOK_MAX_IN_FLIGHT',
  'WEBHOOK_MAX_PER_ORIGIN', 'WEBHOOK_MAX_RESPONSE_BYTES', 'WEBHOOK_RETENTION_HOURS', 'WEBHOOK_MAX_EVENTS', 'WEBHOOK_MAX_RETRYING_PER_HOOK',
  'INSPECTOR', 'INSPECTOR_SIZE', 'INSPECTOR_BODY_LIMIT',
]

export type Env = Record<string, string>

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface RunningProcess {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** resolves with the first stdout line matching, waiting for it to be printed */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
  exited: Promise<Exit>
  /** sends the signal and waits for the process to end */
  stop(signal?: NodeJS.Signals): Promise<Exit>
}

const running = new Set<ChildProcess>()

function processEnv(env: Env): NodeJS.ProcessEnv {
  const base = { ...process.env }
  for (const name of CONFIG_VARIABLES) delete base[name]
  return { ...base, ...env }
}

/** `cwd` defaults to the repository (where `./data` would be); a test of folders gives its own. */
export function start(args: string[], env: Env, options: { cwd?: string } = {}): RunningProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: processEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  // 'close' rather than 'exit': it waits for stdout and stderr to be read to the end.
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    }),
  )

  const waitForLine = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const find = () => out.split('\n').find((line, i, lines) => i < lines.length - 1 && pattern.test(line))
      const check = () => {
        const line = find()
        if (line === undefined) return false
        finish()
        resolve(line)
        return true
      }
      const onExit = () => {
        if (check()) return
        finish()
        reject(new Error(`process ended before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`))
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`))
      }, timeoutMs)
      const finish = () => {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        child.off('close', onExit)
      }
      if (check()) return
      child.stdout!.on('data', check)
      child.once('close', onExit)
    })

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForLine,
    exited,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal)
      return exited
    },
  }
}

export interface Finished extends Exit {
  stdout: string
  stderr: string
}

/** Runs a command to its end. */
export async function run(args: string[], env: Env, options: { cwd?: string } = {}): Promise<Finished> {
  const started = start(args, env, options)
  const exit = await started.exited
  return { ...exit, stdout: started.stdout(), stderr: started.stderr() }
}

/** Kills whatever a failed test left running (afterEach). */
export function killStrayProcesses(): void {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
}

/** A TCP port nothing listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface ProcessDatabase {
  /** DATABASE_URL, and DATABASE_SCHEMA on PostgreSQL, for the spawned processes */
  env: Env
  /** SQLite: the database file */
  file?: string
  /** the PostgreSQL schema (undefined on SQLite), for the migrator */
  schema?: string
  /** a handle on the same database, from the test process, as it is; closed by remove() */
  connect(): Kysely<Database>
  /** connect(), then migrate: for a test that writes before any process has run */
  open(): Promise<Kysely<Database>>
  /** closes the handles and removes the database (the temp dir, or the schema) */
  remove(): Promise<void>
}

/** An empty database of one test's own: never migrated until a process (or open()) does it. */
export async function processDatabase(backend: Backend): Promise<ProcessDatabase> {
  const handles: Kysely<Database>[] = []
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-'))
    const file = join(dir, 'clientele.db')
    const connect = () => {
      const { db } = openDatabase(file)
      handles.push(db)
      return db
    }
    return {
      env: { DATABASE_URL: file },
      file,
      connect,
      open: async () => {
        const db = connect()
        await migrateToLatest(db)
        return db
      },
      remove: async () => {
        for (const db of handles) await db.destroy()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const url = process.env.TEST_DATABASE_URL
  if (!url) throw new Error('TEST_DATABASE_URL is not set')
  const schema = `clientele_process_${randomUUID().replace(/-/g, '').slice(0, 16)}`
  const root = openDatabase(url, { poolSize: 1 }).db
  await sql`create schema ${sql.id(schema)}`.execute(root)
  const connect = () => {
    const { db } = openDatabase(url, { schema, poolSize: 2 })
    handles.push(db)
    return db
  }
  return {
    env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
    schema,
    connect,
    open: async () => {
      const db = connect()
      await migrateToLatest(db, schema)
      return db
    },
    remove: async () => {
      for (const db of handles) await db.destroy()
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(root)
      await root.destroy()
    },
  }
}

/** The database of the test running now; the hooks of useProcessDatabase remove it, not the test. */
export interface CurrentProcessDatabase extends Omit<ProcessDatabase, 'remove'> {
  /** runs `clientele ...args` on this database, to its end */
  clientele(...args: string[]): Promise<Finished>
}

/**
 * A database of each test's own for the process tests of one backend: made before each test,
 * removed after it with whatever processes the test left running. What it returns always speaks
 * of the current test's database, so a describe can hold it in a const.
 */
export function useProcessDatabase(backend: Backend): CurrentProcessDatabase {
  let database: ProcessDatabase | undefined
  beforeEach(async () => {
    database = await processDatabase(backend)
  })
  afterEach(async () => {
    killStrayProcesses()
    await database?.remove()
    database = undefined
  })
  const current = (): ProcessDatabase => {
    if (!database) throw new Error('a process database exists only while a test runs')
    return database
  }
  return {
    get env() {
      return current().env
    },
    get file() {
      return current().file
    },
    get schema() {
      return current().schema
    },
    connect: () => current().connect(),
    open: () => current().open(),
    clientele: (...args) => run(args, current().env),
  }
}

/** One API request through an app built on a process database, closed after: how a test sees what a command wrote. */
export async function throughApp(db: Kysely<Database>, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const app = buildApp({ db })
  try {
    return await send(app, method, url, body, headers)
  } finally {
    await app.close()
  }
}
