import fc from 'fast-check'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, type Backend } from '../helpers/backends.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { exchange, header, type Exchange } from '../helpers/raw-http.js'
import { isEnvelope } from './envelope.js'
import { describeRequest, inPieces, pipelined, rawRequest, type RawRequest } from './raw-requests.js'
import { closingLine } from './report.js'

// Raw-socket fuzz: what `inject` cannot send. fast-check builds requests as bytes (broken request
// lines, header bytes, sizes and framing; see raw-requests.ts), each is written to a listening
// Clientele over a socket of its own, and what comes back must parse strictly as HTTP/1.1: every
// answer whole, none after a HEAD with a body, no 5xx, every error body the envelope with the
// answer's own status, nothing after a `Connection: close`, and no reset before the answer.
// RAW_FUZZ_SEED=<n> repeats a run; RAW_FUZZ_REQUESTS sets the total, shared by the backends.

const SEED = Number(process.env.RAW_FUZZ_SEED ?? 20261203)
const TOTAL = Number(process.env.RAW_FUZZ_REQUESTS ?? 50_000)
const BODY_LIMIT = 1024 * 1024

/** What is wrong with the exchange, or undefined when nothing is. */
function fault(request: RawRequest, result: Exchange): string | undefined {
  if (result.timedOut) return 'no answer within 10 s'
  if (result.malformed) return `not HTTP: ${result.malformed}`
  if (result.reset === 'before') return 'reset before the answer'
  if (result.responses.length === 0) return 'closed without an answer'
  for (const [i, response] of result.responses.entries()) {
    const method = request.methods[i] ?? 'other'
    if (response.status >= 500) return `a ${response.status}`
    if (method === 'HEAD' && response.body.length > 0) return 'a body after a HEAD'
    if (header(response, 'connection') === 'close' && i < result.responses.length - 1) return 'an answer after Connection: close'
    // An error's body is left out after a HEAD, and where the server cannot tell the failed
    // request's method (then it says so with Connection: close and Content-Length: 0).
    const bodyless = method === 'HEAD' || (header(response, 'connection') === 'close' && header(response, 'content-length') === '0')
    if (response.status >= 400 && response.body.length === 0 && !bodyless) return `a ${response.status} without the envelope`
    if (response.status >= 400 && response.body.length > 0) {
      let body: unknown
      try {
        body = JSON.parse(response.body.toString('utf8'))
      } catch {
        return `a ${response.status} whose body is not JSON`
      }
      if (!isEnvelope(body, response.status)) return `a ${response.status} not in the envelope: ${response.body.toString('utf8').slice(0, 200)}`
    }
  }
  return undefined
}

describe.each(BACKENDS)('%s: raw bytes over a socket', (backend: Backend) => {
  let t: TestApp
  let port: number
  let token: string
  let hash: string
  const requests = Math.ceil(TOTAL / BACKENDS.length)
  let passed = false
  const tally = { sent: 0, heads: 0, statuses: new Map<number, number>(), kinds: new Map<string, number>(), resetsAfter: 0, emptyErrors: 0 }

  beforeAll(async () => {
    t = await buildTestApp(backend, { app: { bodyLimit: BODY_LIMIT } })
    const store = await t.newStore()
    hash = store.hash
    token = store.token
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    port = (t.app.server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await t.close()
    if (!passed) return
    const statuses = [...tally.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}:${n}`).join(' ')
    closingLine(
      `raw fuzz (${backend}): ${tally.sent} requests as bytes over ${tally.kinds.size} kinds of breakage (seed ${SEED}), ${tally.heads} of them HEADs; ` +
        `every answer parsed as HTTP/1.1, no body after a HEAD, no 5xx, no reset before an answer (${tally.resetsAfter} after); statuses ${statuses}`,
    )
  })

  function count(request: RawRequest, result: Exchange): void {
    tally.sent++
    if (request.methods.includes('HEAD')) tally.heads++
    if (result.reset === 'after') tally.resetsAfter++
    for (const kind of request.kinds) tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1)
    for (const response of result.responses) tally.statuses.set(response.status, (tally.statuses.get(response.status) ?? 0) + 1)
  }

  it(`answers ${requests.toLocaleString('en-US')} raw requests, broken every way, with well-framed HTTP`, async () => {
    const ctx = { hash, token, bodyLimit: BODY_LIMIT }
    const arbitrary = inPieces(fc.oneof({ weight: 4, arbitrary: rawRequest(ctx) }, { weight: 1, arbitrary: pipelined(ctx) }))
    const property = fc.asyncProperty(arbitrary, async (request) => {
      const result = await exchange(port, request.bytes, { methods: request.methods, ...(request.pieces ? { pieces: request.pieces } : {}) })
      count(request, result)
      const problem = fault(request, result)
      if (problem) throw new Error(`${problem}\nrequest: ${describeRequest(request)}\nreceived: ${JSON.stringify(result.responses.map((r) => [r.status, Object.fromEntries(r.headers), r.body.toString('latin1').slice(0, 200)]))}`)
    })
    await fc.assert(property, { seed: SEED, numRuns: requests, endOnFailure: true })
    expect(tally.sent).toBeGreaterThanOrEqual(requests)
    passed = true
  })
})
