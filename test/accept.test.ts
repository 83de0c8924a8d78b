import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp, type TestStore } from './helpers/app.js'

// The API answers JSON only. An Accept header that rules JSON out is a 406 in the envelope, as
// BigCommerce documents (BEHAVIOUR 14), checked before anything is read or written; one that
// admits JSON in any form, or none at all, is answered as usual.

const notAcceptable = (accept: string) =>
  errorBody(406, 'Not Acceptable', {}, `Accept "${accept}" excludes the only type this API answers in; send "application/json".`)

describe.each(BACKENDS)('%s: Accept', (backend) => {
  let t: TestApp
  let store: TestStore

  beforeAll(async () => {
    t = await buildTestApp(backend)
    store = await t.newStore()
  })
  afterAll(() => t.close())

  const emails = async () => (await store.request('GET', '/customers?limit=250')).body.data.map((c: { email: string }) => c.email)

  it.each(['application/xml', 'text/html', 'text/plain, application/xml;q=0.9', 'application/json;q=0', 'image/*'])(
    'answers Accept: %s with 406 in the envelope',
    async (accept) => {
      const res = await store.request('GET', '/customers', undefined, { headers: { accept } })
      expect(res.status).toBe(406)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      expect(res.body).toEqual(notAcceptable(accept))
    },
  )

  it('refuses a write with a 406 before reading it: nothing is created', async () => {
    const before = await emails()
    const res = await store.request('POST', '/customers', [newCustomer({ email: 'xml@example.com' })], { headers: { accept: 'application/xml' } })
    expect(res.status).toBe(406)
    expect(await emails()).toEqual(before)
  })

  it.each(['application/json', '*/*', 'application/*', 'application/xml, application/json;q=0.5', 'application/json; charset=utf-8', 'application/json;charset=latin1;q=0.8', 'APPLICATION/JSON', ''])(
    'answers Accept: "%s" as usual',
    async (accept) => {
      const res = await store.request('GET', '/customers', undefined, { headers: { accept } })
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual(expect.any(Array))
    },
  )

  it('answers a request without Accept as usual', async () => {
    const res = await send(t.app, 'GET', `/stores/${store.hash}/v3/customers`, undefined, { 'x-auth-token': store.token })
    expect(res.status).toBe(200)
  })

  it('leaves the health and docs routes out of it: they are not the API', async () => {
    const res = await send(t.app, 'GET', '/healthz', undefined, { accept: 'text/html' })
    expect(res.status).toBe(200)
  })
})
