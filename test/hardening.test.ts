import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp } from './helpers/app.js'
import { useProcessDatabase } from './helpers/process.js'
import { serve } from './helpers/serve.js'

// What a node exposed to real traffic needs: bounded bodies (size and nesting), security headers,
// the admin API off unless configured, and timeouts that close slow or idle connections.

const TOO_DEEP = errorBody(400, 'Input is invalid', {}, 'The JSON body is nested deeper than 32 levels.')

/** `[[[...{"a":1}...]]]`: objects and arrays nested `depth` levels. */
const nested = (depth: number) => '['.repeat(depth - 1) + '{"a":1}' + ']'.repeat(depth - 1)
/** A string body goes as given: it needs its Content-Type said. */
const JSON_BODY = { headers: { 'content-type': 'application/json' } }

describe.each(BACKENDS)('%s: request body limits', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('refuses a body nested deeper than 32 levels with 400 before validating it, and writes nothing', async () => {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', nested(33), JSON_BODY)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(TOO_DEEP)
    expect((await store.request('GET', '/customers')).body.data).toEqual([])
  })

  it('reads a body nested exactly 32 levels (then validates it: 422)', async () => {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', nested(32), JSON_BODY)
    expect(res.status).toBe(422)
    expect(res.body.title).toBe('JSON data is missing or invalid')
  })

  it('answers 400, not 500, to a body of 100,000 nested arrays', async () => {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', '['.repeat(100_000) + ']'.repeat(100_000), JSON_BODY)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(TOO_DEEP)
  })

  it('does not count brackets inside strings as nesting', async () => {
    const store = await t.newStore()
    const notes = `${'['.repeat(40)}{"quoted \\" bracket": [}${']'.repeat(40)}`
    const res = await store.request('POST', '/customers', [newCustomer({ notes })])
    expect(res.status).toBe(200)
    expect(res.body.data[0].notes).toBe(notes)
  })

  it('takes the nesting limit from the app options', async () => {
    const node = await buildTestApp(backend, { db: t.db, app: { maxJsonDepth: 2 } })
    try {
      const store = await node.newStore()
      const res = await store.request('POST', '/customers', [newCustomer({ authentication: { force_password_reset: true } })])
      expect(res.status).toBe(400)
      expect(res.body).toEqual(errorBody(400, 'Input is invalid', {}, 'The JSON body is nested deeper than 2 levels.'))
      expect((await store.request('POST', '/customers', [newCustomer()])).status).toBe(200)
    } finally {
      await node.close()
    }
  })

  it('refuses a body over the size limit with 413 and writes nothing', async () => {
    const node = await buildTestApp(backend, { db: t.db, app: { bodyLimit: 1_000 } })
    try {
      const store = await node.newStore()
      const res = await store.request('POST', '/customers', [newCustomer({ notes: 'x'.repeat(2_000) })])
      expect(res.status).toBe(413)
      expect(res.body).toEqual(errorBody(413, 'Request body is too large', {}, 'The request body exceeds the limit of 1000 bytes.'))
      expect((await store.request('GET', '/customers')).body.data).toEqual([])
    } finally {
      await node.close()
    }
  })
})

describe.each(BACKENDS)('%s: security headers', (backend: Backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  const HEADERS = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  }

  it('sends them on API responses', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(res.headers).toMatchObject(HEADERS)
  })

  it('sends them on errors: 401, 404 and 429 alike', async () => {
    const store = await t.newStore()
    const limited = await admin(t, 'PUT', `/stores/${store.hash}/rate-limit`, { quota: 1, window_ms: 30_000 })
    expect(limited.status).toBe(200)
    await store.request('GET', '/customers')
    const responses = [
      await store.request('GET', '/customers', undefined, { token: null }),
      await send(t.app, 'GET', '/nowhere'),
      await store.request('GET', '/customers'),
    ]
    expect(responses.map((res) => res.status)).toEqual([401, 404, 429])
    for (const res of responses) expect(res.headers).toMatchObject(HEADERS)
  })

  it('lets the docs page run its scripts: no content security policy there, the other headers kept', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-security-policy']).toBeUndefined()
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['x-frame-options']).toBe('DENY')
  })

  it('serves no admin API without an admin token (404), whatever bearer token is sent', async () => {
    const app = buildApp({ db: t.db })
    try {
      const res = await admin({ app }, 'GET', '/stores')
      expect(res.status).toBe(404)
      expect(res.body).toEqual(errorBody(404, 'Not Found'))
    } finally {
      await app.close()
    }
  })
})

/** A raw TCP connection to a server: what it received, and when it closed. */
interface Connection {
  socket: Socket
  received(): string
  /** resolves with the milliseconds from opening to the server closing the connection */
  closed: Promise<number>
}

function open(origin: string): Promise<Connection> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const opened = Date.now()
    const socket = connect({ host: hostname, port: Number(port) })
    let text = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - opened)))
    socket.once('error', reject)
    socket.once('connect', () => resolve({ socket, received: () => text, closed }))
  })
}

// Timeouts and malformed HTTP are matters of the listening socket: these tests start `clientele serve` (SQLite;
// the database plays no part) with short timeouts and talk raw TCP to it.
describe('clientele serve: timeouts', () => {
  const database = useProcessDatabase('sqlite')

  it('answers 408 in the envelope and closes a connection whose request is not complete within REQUEST_TIMEOUT_MS', async () => {
    const { server, origin, token } = await serve(database, { REQUEST_TIMEOUT_MS: '400' })
    const connection = await open(origin)
    connection.socket.write(
      `POST /stores/dev/v3/customers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"email"`,
    )
    const ms = await connection.closed
    const [head, body] = connection.received().split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(JSON.parse(body!)).toEqual(errorBody(408, 'Request Timeout'))
    expect(ms).toBeGreaterThanOrEqual(350)
    expect(ms).toBeLessThan(3_000)
    await server.stop()
  })

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { server, origin } = await serve(database, { KEEP_ALIVE_TIMEOUT_MS: '300' })
    const connection = await open(origin)
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    const ms = await connection.closed
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=0?\.?3?/i)
    expect(ms).toBeGreaterThanOrEqual(250)
    expect(ms).toBeLessThan(3_000)
    await server.stop()
  })

  it('answers bytes that are not HTTP with 400 in the envelope and closes the connection', async () => {
    const { server, origin } = await serve(database, {})
    const connection = await open(origin)
    connection.socket.write('HELLO THERE\r\n\r\n')
    await connection.closed
    const [head, body] = connection.received().split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(JSON.parse(body!)).toEqual(errorBody(400, 'Bad Request'))
    await server.stop()
  })

  it('closes a connection that sends nothing within CONNECTION_TIMEOUT_MS', async () => {
    const { server, origin } = await serve(database, { CONNECTION_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '0' })
    const connection = await open(origin)
    const ms = await connection.closed
    expect(connection.received()).toBe('')
    expect(ms).toBeGreaterThanOrEqual(250)
    expect(ms).toBeLessThan(3_000)
    await server.stop()
  })
})
