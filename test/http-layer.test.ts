import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { exchange, header, type Exchange, type RawResponse } from './helpers/raw-http.js'

// What Node's HTTP parser meets before Fastify does, over a real socket: malformed request lines
// and headers, oversized URLs and bodies, bad framing, pipelining, CONNECT and Upgrade. Each answer
// is read strictly as HTTP/1.1 (test/helpers/raw-http.ts): whole, in order, no body after a HEAD.
// The raw-socket fuzz case in the reliability suite sends the arbitrary versions of these.

const BODY_LIMIT = 64 * 1024
const MB = 1024 * 1024

describe.each(BACKENDS)('%s: the HTTP layer, over a socket', (backend: Backend) => {
  let t: TestApp
  let store: TestStore
  let port: number

  beforeAll(async () => {
    t = await buildTestApp(backend, { app: { bodyLimit: BODY_LIMIT } })
    store = await t.newStore()
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    port = (t.app.server.address() as AddressInfo).port
  })
  afterAll(() => t.close())

  const send = (text: string | Buffer, methods: string[], pieces?: number) =>
    exchange(port, typeof text === 'string' ? Buffer.from(text, 'latin1') : text, { methods, ...(pieces ? { pieces } : {}) })
  const customers = () => `/stores/${store.hash}/v3/customers`
  const auth = () => `Host: x\r\nX-Auth-Token: ${store.token}\r\n`

  /** One well-framed answer, and nothing wrong with how the connection ended. */
  function only(result: Exchange): RawResponse {
    expect(result.malformed).toBeUndefined()
    expect(result.timedOut).toBe(false)
    expect(result.reset).toBeUndefined()
    expect(result.responses).toHaveLength(1)
    return result.responses[0]!
  }
  const envelope = (response: RawResponse) => JSON.parse(response.body.toString('utf8'))
  const emails = async () => (await store.request('GET', '/customers?limit=250')).body.data.map((c: { email: string }) => c.email)

  describe('a request line that is not HTTP', () => {
    it('is a 400 in the envelope, with Connection: close, and the connection closed', async () => {
      const result = await send(`GET /caf\xe9 HTTP/1.1\r\nHost: x\r\n\r\n`, ['GET'])
      const response = only(result)
      expect(response.status).toBe(400)
      expect(header(response, 'connection')).toBe('close')
      expect(envelope(response)).toEqual(errorBody(400, 'Bad Request'))
      expect(result.closedByServer).toBe(true)
    })

    it('after a HEAD, has the same head and no body', async () => {
      const response = only(await send(`HEAD /caf\xe9 HTTP/1.1\r\nHost: x\r\n\r\n`, ['HEAD']))
      expect(response.status).toBe(400)
      expect(header(response, 'content-length')).toBe(String(JSON.stringify(errorBody(400, 'Bad Request')).length))
      expect(response.body.length).toBe(0)
    })

    it('sent a byte at a time, is answered with an empty body, which a HEAD and a GET both read', async () => {
      // The request began in an earlier packet than the one the parser failed in: its method is not known.
      for (const method of ['GET', 'HEAD']) {
        const response = only(await send(`${method} /caf\xe9 HTTP/1.1\r\nHost: x\r\n\r\n`, [method], 1))
        expect(response.status).toBe(400)
        expect(header(response, 'content-length')).toBe('0')
      }
    })
  })

  describe('headers', () => {
    it('with a byte no header may hold are a 400 in the envelope', async () => {
      const response = only(await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n`, ['GET']))
      expect(response.status).toBe(400)
      expect(envelope(response)).toEqual(errorBody(400, 'Bad Request'))
    })

    it('over the size limit are a 431 in the envelope; after a HEAD, without a body', async () => {
      const big = `X-Big: ${'b'.repeat(20_000)}\r\n`
      const get = only(await send(`GET /healthz HTTP/1.1\r\nHost: x\r\n${big}\r\n`, ['GET']))
      expect(get.status).toBe(431)
      expect(header(get, 'connection')).toBe('close')
      expect(envelope(get)).toEqual(errorBody(431, 'Request Header Fields Too Large'))
      const head = only(await send(`HEAD /healthz HTTP/1.1\r\nHost: x\r\n${big}\r\n`, ['HEAD']))
      expect(head.status).toBe(431)
      expect(head.body.length).toBe(0)
    })

    it('missing Host on HTTP/1.1 are a 400 in the envelope (RFC 9112 3.2); HTTP/1.0 needs none', async () => {
      const response = only(await send(`GET ${customers()} HTTP/1.1\r\nX-Auth-Token: ${store.token}\r\n\r\n`, ['GET']))
      expect(response.status).toBe(400)
      expect(envelope(response)).toEqual(errorBody(400, 'Bad Request', {}, 'An HTTP/1.1 request needs a Host header.'))
      const old = only(await send(`GET ${customers()} HTTP/1.0\r\nX-Auth-Token: ${store.token}\r\n\r\n`, ['GET']))
      expect(old.status).toBe(200)
    })
  })

  describe('an oversized URL or body', () => {
    it('a 1 MB URL is a 431 read whole by the client: the rest is drained, not reset', async () => {
      const result = await send(`GET ${customers()}?q=${'a'.repeat(MB)} HTTP/1.1\r\n${auth()}\r\n`, ['GET'])
      const response = only(result)
      expect(response.status).toBe(431)
      expect(envelope(response)).toEqual(errorBody(431, 'Request Header Fields Too Large'))
    })

    it('an HTTP/1.0 GET with a body it does not read is answered whole before the connection closes', async () => {
      // The answer closes the connection (HTTP/1.0) with the body still arriving: drained, not reset.
      const body = `["${'x'.repeat(MB)}"]`
      const request = `GET ${customers()} HTTP/1.0\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
      const response = only(await send(request, ['GET'], 2048))
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body.toString()).data).toEqual(expect.any(Array))
    })

    it('a body over the limit is a 413 read whole by the client, and writes nothing', async () => {
      const before = await emails()
      const body = JSON.stringify([newCustomer({ notes: 'n'.repeat(MB) })])
      const result = await send(`POST ${customers()} HTTP/1.1\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, ['POST'])
      const response = only(result)
      expect(response.status).toBe(413)
      expect(header(response, 'connection')).toBe('close')
      expect(envelope(response).status).toBe(413)
      expect(await emails()).toEqual(before)
    })
  })

  describe('framing', () => {
    it.each([
      ['two different Content-Lengths', 'Content-Length: 2\r\nContent-Length: 3\r\n\r\n[]'],
      ['a Content-Length that is not a number', 'Content-Length: 2x\r\n\r\n[]'],
      ['Content-Length and chunked together', 'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n'],
      ['a chunk size that is not hex', 'Transfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n'],
      ['a chunk longer than its size', 'Transfer-Encoding: chunked\r\n\r\n1\r\n[]\r\n0\r\n\r\n'],
    ])('%s is a 400 in the envelope, and writes nothing', async (_name, rest) => {
      const before = await emails()
      const response = only(await send(`POST ${customers()} HTTP/1.1\r\n${auth()}Content-Type: application/json\r\n${rest}`, ['POST']))
      expect(response.status).toBe(400)
      expect(header(response, 'connection')).toBe('close')
      expect(envelope(response)).toEqual(errorBody(400, 'Bad Request'))
      expect(await emails()).toEqual(before)
    })

    it('a well-formed chunked body is read', async () => {
      const body = JSON.stringify([newCustomer({ email: 'chunked@example.com' })])
      const response = only(
        await send(`POST ${customers()} HTTP/1.1\r\n${auth()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`, ['POST']),
      )
      expect(response.status).toBe(200)
      expect(await emails()).toContain('chunked@example.com')
    })
  })

  describe('pipelining', () => {
    it('answers in the order of the requests when a later one is malformed', async () => {
      const result = await send(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /caf\xe9 HTTP/1.1\r\nHost: x\r\n\r\n`, ['GET', 'HEAD'])
      expect(result.malformed).toBeUndefined()
      expect(result.responses.map((r) => r.status)).toEqual([200, 400])
      expect(JSON.parse(result.responses[0]!.body.toString())).toEqual({ status: 'ok' })
      expect(result.responses[1]!.body.length).toBe(0)
    })
  })

  describe('leaving HTTP/1.1', () => {
    it('CONNECT is a 405 in the envelope, not a dropped connection', async () => {
      const response = only(await send(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`, ['CONNECT']))
      expect(response.status).toBe(405)
      expect(envelope(response).status).toBe(405)
    })

    it('an Expect other than 100-continue is a 417 in the envelope; 100-continue gets its 100, then the answer', async () => {
      const refused = only(await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: nonsense\r\n\r\n`, ['GET']))
      expect(refused.status).toBe(417)
      expect(header(refused, 'connection')).toBe('close')
      expect(envelope(refused)).toEqual(errorBody(417, 'Expectation Failed', {}, 'Expect: nonsense is not understood; the only expectation is 100-continue.'))
      const body = JSON.stringify([newCustomer({ email: 'continue@example.com' })])
      const continued = only(
        await send(`POST ${customers()} HTTP/1.1\r\n${auth()}Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, ['POST']),
      )
      expect(continued.status).toBe(200)
      expect(await emails()).toContain('continue@example.com')
    })

    it('an Upgrade (h2c, as curl --http2 asks) is declined: the request is answered in HTTP/1.1, chunked body and all', async () => {
      const body = JSON.stringify([newCustomer({ email: 'upgrade@example.com' })])
      const response = only(
        await send(
          `POST ${customers()} HTTP/1.1\r\n${auth()}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n` +
            `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
          ['POST'],
        ),
      )
      expect(response.status).toBe(200)
      expect(header(response, 'upgrade')).toBeUndefined()
      expect(await emails()).toContain('upgrade@example.com')
    })

    it('a request pipelined behind an Upgrade is answered too', async () => {
      const result = await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`, ['GET', 'GET'])
      expect(result.malformed).toBeUndefined()
      expect(result.responses.map((r) => r.status)).toEqual([200, 200])
    })
  })
})
