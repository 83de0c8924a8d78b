import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp, type TestStore } from './helpers/app.js'

// Every way a request can fail ends in BigCommerce's envelope (DECISIONS 1), and a refused write
// leaves the store as it was.

const NOT_FOUND = errorBody(404, 'Not Found')
const METHOD_NOT_ALLOWED = errorBody(405, 'Method Not Allowed', {}, 'The requested HTTP method is invalid for this endpoint.')
const SYNTAX_ERROR = errorBody(400, 'Input is invalid', {}, 'Syntax error')
const TOO_MANY_ITEMS = errorBody(413, 'The maximum number of items allowed in the array is 10')
const NO_CONTENT_TYPE = errorBody(415, 'Unsupported Media Type', {}, 'A request body needs the header "Content-Type: application/json".')
const wrongContentType = (type: string) =>
  errorBody(415, 'Unsupported Media Type', {}, `Content-Type "${type}" is not supported; send "application/json".`)
const bodyTooLarge = (limit: number) =>
  errorBody(413, 'Request body is too large', {}, `The request body exceeds the limit of ${limit} bytes.`)

async function customersOf(store: TestStore): Promise<{ id: number }[]> {
  const res = await store.request('GET', '/customers')
  expect(res.status).toBe(200)
  return res.body.data
}

describe.each(BACKENDS)('%s: error responses', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  describe('routing', () => {
    it('answers 404 for an unknown path under the API', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/nope')
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 404 for an unknown path outside the API', async () => {
      const res = await send(t.app, 'GET', '/nope')
      expect(res.status).toBe(404)
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 404 to a path that is not valid percent-encoding', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers%zz')
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it("answers 404 to a path segment longer than the router's limit", async () => {
      const store = await t.newStore()
      const res = await send(t.app, 'GET', `/stores/${'x'.repeat(300)}/v3/customers`, undefined, { 'x-auth-token': store.token })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })

    it('answers 405 with a detail for a method the path does not take', async () => {
      const store = await t.newStore()
      const res = await store.request('PATCH', '/customers', [{ id: 1, first_name: 'X' }])
      expect(res.status).toBe(405)
      expect(res.body).toEqual(METHOD_NOT_ALLOWED)
    })
  })

  describe('request bodies', () => {
    it('answers 400 to malformed JSON and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', '[{"email": ', { headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(SYNTAX_ERROR)
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 415 to a body without Content-Type and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', JSON.stringify([newCustomer()]))
      expect(res.status).toBe(415)
      expect(res.body).toEqual(NO_CONTENT_TYPE)
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 415 to a text/plain body and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', JSON.stringify([newCustomer()]), { headers: { 'content-type': 'text/plain' } })
      expect(res.status).toBe(415)
      expect(res.body).toEqual(wrongContentType('text/plain'))
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 415 to an application/xml body and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', '<customers/>', { headers: { 'content-type': 'application/xml' } })
      expect(res.status).toBe(415)
      expect(res.body).toEqual(wrongContentType('application/xml'))
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 413 to a body over the default 1 MiB limit and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', [newCustomer({ notes: 'x'.repeat(1024 * 1024) })])
      expect(res.status).toBe(413)
      expect(res.body).toEqual(bodyTooLarge(1024 * 1024))
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 413 to a body over a configured limit and writes nothing', async () => {
      const store = await t.newStore()
      // A second app on the same database: the test app's own limit is the default one.
      const small = buildApp({ db: t.db, bodyLimit: 512 })
      await small.ready()
      try {
        const res = await send(small, 'POST', `/stores/${store.hash}/v3/customers`, [newCustomer({ notes: 'x'.repeat(600) })], {
          'x-auth-token': store.token,
        })
        expect(res.status).toBe(413)
        expect(res.body).toEqual(bodyTooLarge(512))
      } finally {
        await small.close()
      }
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 413 to more than 10 customers and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', Array.from({ length: 11 }, () => newCustomer()))
      expect(res.status).toBe(413)
      expect(res.body).toEqual(TOO_MANY_ITEMS)
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 422 with one message per field path and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', [newCustomer(), { email: 'not-an-email', first_name: '' }])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(
        errorBody(422, 'JSON data is missing or invalid', {
          '1.email': 'must be a valid email address',
          '1.first_name': 'must not be empty',
          '1.last_name': 'is required',
        }),
      )
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 422 to an unknown query parameter', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers?foo=bar')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'The filter(s): foo are not valid filter parameter(s).'))
    })

    it('answers 422 to an unknown query parameter on DELETE and deletes nothing', async () => {
      const store = await t.newStore()
      const created = await store.request('POST', '/customers', [newCustomer()])
      expect(created.status).toBe(200)
      const res = await store.request('DELETE', `/customers?id=${created.body.data[0].id}`)
      expect(res.status).toBe(422)
      expect(res.body).toEqual(errorBody(422, 'The filter(s): id are not valid filter parameter(s).'))
      expect((await customersOf(store)).map((c) => c.id)).toEqual([created.body.data[0].id])
    })
  })

  // PostgreSQL refuses NUL in text and both databases would turn a lone surrogate into U+FFFD:
  // such text is a 422 on both, never a driver error.
  describe('text no database can store as sent', () => {
    const UNSTORABLE = (path: string) => errorBody(422, 'JSON data is missing or invalid', { [path]: 'must be valid Unicode text without NUL characters' })

    it('answers 422 to a NUL character in a body field and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', [newCustomer(), newCustomer({ first_name: 'Ja\u0000ne' })])
      expect(res.status).toBe(422)
      expect(res.body).toEqual(UNSTORABLE('1.first_name'))
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 422 to a lone surrogate in a body field and writes nothing', async () => {
      const store = await t.newStore()
      const res = await store.request('POST', '/customers', '[{"email":"a@example.com","first_name":"\\ud800","last_name":"Doe"}]', {
        headers: { 'content-type': 'application/json' },
      })
      expect(res.status).toBe(422)
      expect(res.body).toEqual(UNSTORABLE('0.first_name'))
      expect(await customersOf(store)).toEqual([])
    })

    it('answers 422 to a NUL character in a query value', async () => {
      const store = await t.newStore()
      const res = await store.request('GET', '/customers?company:in=a%00b')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(UNSTORABLE('company:in'))
    })

    it('answers 422 to a NUL character in an admin path parameter', async () => {
      const res = await admin(t, 'POST', '/stores/a%00b/reset')
      expect(res.status).toBe(422)
      expect(res.body).toEqual(UNSTORABLE('hash'))
    })
  })
})

describe.each(BACKENDS)('%s: unexpected faults', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('answers 500 in the envelope, leaking nothing, and logs the error with its request id', async () => {
    const lines: Record<string, any>[] = []
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) }
    const app = buildApp({ db: t.db, logger: { level: 'error', stream } })
    app.get('/boom', async () => {
      throw new Error('secret internals at /srv/app.js:42')
    })
    await app.ready()
    try {
      const res = await send(app, 'GET', '/boom', undefined, { 'x-request-id': 'req-boom-1' })
      expect(res.status).toBe(500)
      expect(res.body).toEqual(errorBody(500, 'Internal Server Error'))
      expect(res.text).not.toContain('secret')

      const logged = lines.find((line) => line.msg === 'unexpected error')
      expect(logged).toMatchObject({ level: 50, reqId: 'req-boom-1', err: { message: 'secret internals at /srv/app.js:42' } })
      expect(logged?.err.stack).toContain('secret internals')
    } finally {
      await app.close()
    }
  })
})
