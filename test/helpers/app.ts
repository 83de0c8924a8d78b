import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { buildApp, type App, type AppOptions } from '../../src/app.js'
import { ALL_SCOPES } from '../../src/core/scopes.js'
import type { Database } from '../../src/db/schema.js'
import { createAccount, createStore } from '../../src/stores/service.js'
import { openTestDatabase, pgTestSchema, type Backend } from './backends.js'

// Builds the app on a test database, with a clock the test controls, and makes stores and tokens
// for tests. Every test works in stores of its own, so files may share a PostgreSQL schema.

export class TestClock {
  private current: Date | undefined
  /** real time until set */
  now = (): Date => this.current ?? new Date()
  set(iso: string): void {
    this.current = new Date(iso)
  }
  advance(seconds: number): void {
    this.current = new Date(this.now().getTime() + seconds * 1000)
  }
}

export interface Response<T = any> {
  status: number
  body: T
  headers: Record<string, string | string[] | number | undefined>
  text: string
}

export interface TestStore {
  hash: string
  clientId: string
  /** a token holding every scope */
  token: string
  /** another API account of this store, with only these scopes; returns its token */
  tokenWith(scopes: readonly string[], clientId?: string): Promise<string>
  /** an API request to /stores/{hash}/v3{path} with the full-scope token (or `options.token`) */
  request<T = any>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<Response<T>>
}

export interface RequestOptions {
  token?: string | null
  headers?: Record<string, string>
}

export interface TestApp {
  app: App
  db: Kysely<Database>
  clock: TestClock
  newStore(): Promise<TestStore>
  close(): Promise<void>
}

export const ADMIN_TOKEN = 'test-admin-token'

export interface TestAppOptions {
  /** more buildApp options (counters, hardening limits...) */
  app?: Partial<AppOptions>
  /** a second node: the app runs on this database (another test app's `db`), which close() leaves open */
  db?: Kysely<Database>
}

export async function buildTestApp(backend: Backend, options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await openTestDatabase(backend))
  const clock = new TestClock()
  const app = buildApp({
    db,
    clock: clock.now,
    adminToken: ADMIN_TOKEN,
    logger: false,
    ...(backend === 'postgres' ? { databaseSchema: pgTestSchema() } : {}),
    ...options.app,
  })
  await app.ready()

  async function newStore(): Promise<TestStore> {
    const hash = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`
    await createStore(db, hash)
    const account = await createAccount(db, { storeHash: hash, scopes: ALL_SCOPES })
    return {
      hash,
      clientId: account.client_id,
      token: account.access_token,
      tokenWith: async (scopes, clientId) =>
        (await createAccount(db, { storeHash: hash, scopes, ...(clientId ? { clientId } : {}) })).access_token,
      request: (method, path, body, options = {}) => {
        const token = options.token === undefined ? account.access_token : options.token
        const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
        if (token !== null) headers['x-auth-token'] = token
        return send(app, method, `/stores/${hash}/v3${path}`, body, headers)
      },
    }
  }

  return {
    app,
    db,
    clock,
    newStore,
    close: async () => {
      await app.close()
      if (!options.db) await db.destroy()
    },
  }
}

/** Injects a request; an object or array body is sent as JSON, a string body as given. */
export async function send(app: App, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const hasBody = body !== undefined
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: hasBody && typeof body !== 'string' && !headers['content-type'] ? { 'content-type': 'application/json', ...headers } : headers,
    ...(hasBody ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  })
  let parsed: unknown = undefined
  if (response.body !== '') {
    try {
      parsed = JSON.parse(response.body)
    } catch {
      parsed = response.body
    }
  }
  return { status: response.statusCode, body: parsed, headers: response.headers, text: response.body }
}

let sequence = 0

/** A valid new customer with a unique email; fields may be overridden. */
export function newCustomer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1
  return {
    email: `customer${sequence}.${randomUUID().slice(0, 8)}@example.com`,
    first_name: 'Jane',
    last_name: `Doe${sequence}`,
    ...overrides,
  }
}

export const ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes'

/** The BigCommerce error envelope, for whole-body assertions. */
export function errorBody(status: number, title: string, errors: Record<string, string> = {}, detail?: string) {
  return { status, title, type: ERROR_TYPE, errors, ...(detail === undefined ? {} : { detail }) }
}

/** The 422 of a query parameter the API refuses: `Query parameter "{name}" {message}`. */
export const invalidQuery = (name: string, message: string) => errorBody(422, `Query parameter "${name}" ${message}`)
