import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createStore } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { freePort, start, useProcessDatabase, type Env, type RunningProcess } from './helpers/process.js'
import { listCustomers, serve } from './helpers/serve.js'

// `clientele serve` as a real process: the first-start banner, restarts, signals, logging and the
// listening address. Every test starts its own server on a database of its own.

const sh = promisify(execFile)

/** JSON lines of the output: the log, which goes to stdout with the banner. */
function logLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

function customersWithPasswords(count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `slow${i}@example.com`,
    first_name: 'Slow',
    last_name: `Request${i}`,
    authentication: { new_password: `password${i}` },
  }))
}

/** Rejects when the promise takes longer than the time given. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)))
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/**
 * A POST held open by the test: `Expect: 100-continue` sends the headers alone, and the server's
 * "100 Continue" proves it has the request in hand; the body goes when the test calls send().
 * The connection is kept alive with no client-side timeout, as a proxy in front would keep it.
 */
function heldPost(url: string, token: string, body: string, agent: Agent) {
  const req = request(url, {
    agent,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      accept: 'application/json',
      'x-auth-token': token,
      expect: '100-continue',
    },
  })
  const continued = new Promise<void>((resolve) => req.once('continue', resolve))
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.once('error', reject)
    req.once('response', (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
  })
  return { continued, response, send: () => req.end(body) }
}

describe.each(BACKENDS)('%s: clientele serve', (backend: Backend) => {
  const database = useProcessDatabase(backend)

  it('prints the dev store, a token and a curl line that works on a first start', async () => {
    const { server, origin, token } = await serve(database)
    const out = server.stdout()
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/) // PORT=0: the port bound, not 0
    expect(out).toContain('store hash:   dev')
    expect(token).toMatch(/^[a-z0-9]{20,}$/)
    const curl = out.split('\n').find((line) => line.trim().startsWith('curl '))
    expect(curl).toContain(token)

    // The line as printed, with -w appended only to learn the status.
    const { stdout } = await sh('sh', ['-c', `${curl!.trim()} -w '\\n%{http_code}'`])
    const [body, status] = stdout.split('\n')
    expect(status).toBe('200')
    const parsed = JSON.parse(body!)
    expect(parsed.data).toEqual([])
    expect(parsed.meta.pagination.total).toBe(0)

    expect(await server.stop()).toEqual({ code: 0, signal: null })
  })

  it('prints the URL only on a second start, and the first token still works', async () => {
    const first = await serve(database)
    await first.server.stop()

    const { server, origin } = await serve(database)
    const out = server.stdout()
    expect(out).toContain(`Clientele is serving ${origin}`)
    expect(out).not.toContain('access token')
    expect(out).not.toContain('curl')
    expect(out).not.toContain(first.token)
    expect((await listCustomers(origin, first.token!)).status).toBe(200)
    await server.stop()
  })

  it('finishes a request in flight on SIGTERM, exits 0 and leaves the database usable', async () => {
    const { server, origin, token } = await serve(database, { LOG_LEVEL: 'info' })
    const agent = new Agent({ keepAlive: true })
    // Ten passwords to hash (scrypt, tens of ms each) keep the request busy after its body arrives.
    const post = heldPost(`${origin}/stores/dev/v3/customers`, token!, JSON.stringify(customersWithPasswords(10)), agent)
    await post.continued
    server.child.kill('SIGTERM')
    await server.waitForLine(/shutting down/)
    post.send()

    const response = await post.response
    expect(response.status).toBe(200)
    expect(JSON.parse(response.text).data).toHaveLength(10)
    // Not held until the keep-alive timeout by the connection the response left open.
    expect(await within(10_000, server.exited)).toEqual({ code: 0, signal: null })
    agent.destroy()

    // A clean close checkpoints SQLite's write-ahead log and removes it.
    if (database.file) expect(existsSync(`${database.file}-wal`)).toBe(false)
    const db = await database.open()
    const row = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(row.n)).toBe(10)
    await createStore(db, 'written-after-exit')
  })

  it('exits 0 on SIGINT', async () => {
    const { server, origin, token } = await serve(database)
    expect((await listCustomers(origin, token!)).status).toBe(200)
    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null })
  })
})

// Logging and the listening address do not depend on the database: SQLite only.
describe('clientele serve: log and address', () => {
  const database = useProcessDatabase('sqlite')

  /** Three requests (200, 401, 404) against a server started with this log level; its whole output. */
  async function threeRequests(logLevel: string) {
    const { server, origin, token } = await serve(database, { LOG_LEVEL: logLevel })
    const banner = server.stdout()
    await listCustomers(origin, token!)
    await listCustomers(origin, 'not-a-token')
    await fetch(`${origin}/nowhere`, { headers: { 'x-auth-token': token! } })
    await server.stop()
    return { token: token!, log: server.stdout().slice(banner.length) + server.stderr(), banner }
  }

  it('writes one JSON line per request at LOG_LEVEL=info, without the token', async () => {
    const { token, log, banner } = await threeRequests('info')
    const requests = logLines(log).filter((line) => line.reqId !== undefined)
    expect(requests.map(({ method, url, status }) => ({ method, url, status }))).toEqual([
      { method: 'GET', url: '/stores/dev/v3/customers', status: 200 },
      { method: 'GET', url: '/stores/dev/v3/customers', status: 401 },
      { method: 'GET', url: '/nowhere', status: 404 },
    ])
    expect(log).not.toContain(token)
    for (const line of logLines(banner)) expect(JSON.stringify(line)).not.toContain(token)
  })

  it('writes no log line at LOG_LEVEL=silent', async () => {
    const { log, banner } = await threeRequests('silent')
    expect(logLines(banner + log)).toEqual([])
  })

  // 127.0.0.2 is loopback on Linux only; a server on it proves HOST reached listen().
  it.skipIf(process.platform !== 'linux')('listens on the HOST and PORT given and prints them', async () => {
    const port = await freePort()
    const { server, origin, token } = await serve(database, { HOST: '127.0.0.2', PORT: String(port) })
    expect(origin).toBe(`http://127.0.0.2:${port}`)
    expect((await listCustomers(origin, token!)).status).toBe(200)
    await expect(fetch(`http://127.0.0.1:${port}/stores/dev/v3/customers`)).rejects.toThrow()
    await server.stop()
  })
})
