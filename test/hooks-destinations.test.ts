import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/core/config.js'
import { checkedLookup, DestinationRefused, destinationProblem, publicLookup, refusedAddress, type Lookup } from '../src/core/destinations.js'
import { TITLES } from '../src/core/errors.js'
import { isSubscribable, scopeMatches } from '../src/core/webhook-scopes.js'
import { EVENT_SCOPES } from '../src/db/outbox.js'
import { buildTestApp, errorBody, type TestApp, type TestStore } from './helpers/app.js'
import { BACKENDS } from './helpers/backends.js'

// Where hooks may send (core/destinations.ts, WEBHOOK_DESTINATIONS) and which events a scope
// receives (core/webhook-scopes.ts): the rules as tables, then through POST and PUT /hooks in
// both modes.

const SCHEME = 'must be an https URL on port 443, or http to localhost, 127.0.0.1 or [::1]'
const PORT = 'must be served on port 443 (other ports are for http://localhost only)'
const refusedPublic = (why: string) => `is refused by this server (WEBHOOK_DESTINATIONS=public): ${why}`

describe('refusedAddress', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.0.5', '169.254.169.254',
    '100.64.0.1', '100.127.255.254', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '::', '::1', 'fc00::1', 'fd00:ec2::254', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe',
    'not-an-ip', '',
  ])('refuses %s', (ip) => {
    expect(refusedAddress(ip)).toBe(true)
  })

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '169.253.0.1', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:8.8.8.8'])(
    'admits %s',
    (ip) => {
      expect(refusedAddress(ip)).toBe(false)
    },
  )
})

describe('checkedLookup and publicLookup', () => {
  const answers = (...addresses: string[]): Lookup => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))

  it('answers every address of a public name', async () => {
    expect(await checkedLookup('app.example.com', answers('93.184.215.14', '2606:2800::1'))).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800::1', family: 6 },
    ])
  })

  it('refuses a name when any of its addresses is refused, or when it does not resolve', async () => {
    await expect(checkedLookup('mixed.example.com', answers('93.184.215.14', '10.0.0.1'))).rejects.toThrow(
      new DestinationRefused('mixed.example.com resolves to 10.0.0.1, which is not a public address'),
    )
    await expect(checkedLookup('none.example.com', answers())).rejects.toThrow('none.example.com does not resolve')
    await expect(checkedLookup('fail.example.com', () => Promise.reject(new Error('ENOTFOUND')))).rejects.toThrow('fail.example.com does not resolve')
  })

  it('checks an IP literal without DNS, brackets or not', async () => {
    const never: Lookup = () => Promise.reject(new Error('no DNS for literals'))
    expect(await checkedLookup('93.184.215.14', never)).toEqual([{ address: '93.184.215.14', family: 4 }])
    await expect(checkedLookup('[::1]', never)).rejects.toThrow('::1 is not a public address')
  })

  it('refuses localhost through the system resolver, as a socket lookup', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicLookup('localhost', {}, (e) => resolve(e)))
    expect(error).toBeInstanceOf(DestinationRefused)
    expect(error?.code).toBe('EDESTINATIONREFUSED')
    const literal = await new Promise<[unknown, unknown, unknown]>((resolve) => publicLookup('93.184.215.14', {}, (e, a, f) => resolve([e, a, f])))
    expect(literal).toEqual([null, '93.184.215.14', 4])
  })
})

describe('destinationProblem', () => {
  it.each([
    ['https://app.example.com/hooks', undefined],
    ['https://app.example.com:443/hooks', undefined],
    ['https://10.0.0.1/hooks', undefined],
    ['http://localhost:3000/hooks', undefined],
    ['http://127.0.0.1:8080/', undefined],
    ['http://[::1]:9000/', undefined],
    ['http://localhost/', undefined],
    ['http://app.example.com/hooks', SCHEME],
    ['http://10.0.0.1/hooks', SCHEME],
    ['http://127.0.0.2/', SCHEME],
    ['ftp://app.example.com/', SCHEME],
    ['https://app.example.com:8443/', PORT],
    ['https://localhost:3000/', PORT],
    ['https://user:secret@app.example.com/', 'must not carry credentials: send them in headers'],
    ['app.example.com/hooks', 'must be an absolute URL (https://...)'],
  ])('any mode: %s -> %s', async (url, problem) => {
    expect(await destinationProblem(url, 'any')).toBe(problem)
  })
})

describe('WEBHOOK_DESTINATIONS', () => {
  it('is any unless set to public; anything else is refused', () => {
    expect(loadConfig({}).webhookDestinations).toBe('any')
    expect(loadConfig({ WEBHOOK_DESTINATIONS: 'public' }).webhookDestinations).toBe('public')
    expect(loadConfig({ WEBHOOK_DESTINATIONS: 'any' }).webhookDestinations).toBe('any')
    expect(() => loadConfig({ WEBHOOK_DESTINATIONS: 'private' })).toThrow('WEBHOOK_DESTINATIONS must be one of any, public, not "private"')
  })
})

describe('webhook scopes', () => {
  it('accepts every scope Clientele emits', () => {
    for (const scope of EVENT_SCOPES) expect(isSubscribable(scope)).toBe(true)
  })

  it.each([
    ['store/customer/*', 'store/customer/created', true],
    ['store/customer/*', 'store/customer/address/deleted', true],
    ['store/customer/*', 'store/customer/payment/instrument/default/updated', true],
    ['store/customer/*', 'store/customer/channel/login/access/updated', true],
    ['store/customer/*', 'store/cart/metafield/created', false],
    ['store/customer/address/*', 'store/customer/address/updated', true],
    ['store/customer/address/*', 'store/customer/updated', false],
    ['store/cart/*', 'store/cart/metafield/deleted', true],
    ['store/cart/metafield/*', 'store/cart/metafield/updated', true],
    ['store/metafield/*', 'store/cart/metafield/created', false],
    ['store/customer/created', 'store/customer/created', true],
    ['store/customer/created', 'store/customer/updated', false],
    ['store/customer/created', 'store/customer/created/extra', false],
  ])('%s receives %s: %s', (subscribed, event, expected) => {
    expect(scopeMatches(subscribed, event)).toBe(expected)
  })
})

describe.each(BACKENDS)('%s: hook destinations over HTTP', (backend) => {
  let dev: TestApp
  let pub: TestApp
  let devStore: TestStore
  let pubStore: TestStore

  beforeAll(async () => {
    dev = await buildTestApp(backend)
    pub = await buildTestApp(backend, { app: { webhookDestinations: 'public' } })
    devStore = await dev.newStore()
    pubStore = await pub.newStore()
  })
  afterAll(async () => {
    await dev.close()
    await pub.close()
  })

  const post = (store: TestStore, destination: string) => store.request('POST', '/hooks', { scope: 'store/customer/created', destination })
  const refused = (message: string) => errorBody(422, TITLES.invalidData, { destination: message })

  it('any mode (the default) takes https:443 anywhere and http to the local machine on any port', async () => {
    for (const destination of ['https://app.example.com/h', 'https://10.0.0.1/h', 'https://169.254.169.254/h', 'http://localhost:3000/h', 'http://127.0.0.1:8080/h', 'http://[::1]:9000/h']) {
      const res = await post(devStore, destination)
      expect(res.status).toBe(200)
      expect(res.body.data.destination).toBe(destination)
    }
  })

  it('any mode refuses other schemes, http elsewhere and other https ports with 422 on destination', async () => {
    expect((await post(devStore, 'http://app.example.com/h')).body).toEqual(refused(SCHEME))
    expect((await post(devStore, 'https://app.example.com:8443/h')).body).toEqual(refused(PORT))
    expect((await post(devStore, 'not a url')).body).toEqual(refused('must be an absolute URL (https://...)'))
  })

  it.each([
    ['https://127.0.0.1/h', '127.0.0.1 is not a public address'],
    ['http://127.0.0.1:3000/h', '127.0.0.1 is not a public address'],
    ['https://10.0.0.1/h', '10.0.0.1 is not a public address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is not a public address'],
    ['http://[::1]:3000/h', '::1 is not a public address'],
    ['https://[fd00:ec2::254]/h', 'fd00:ec2::254 is not a public address'],
    ['http://localhost:3000/h', 'localhost resolves to 127.0.0.1, which is not a public address'],
  ])('public mode refuses %s', async (destination, why) => {
    const res = await post(pubStore, destination)
    expect(res.status).toBe(422)
    if (destination.includes('localhost')) {
      // the resolver may answer ::1 first
      expect(res.body.errors.destination).toMatch(/^is refused by this server \(WEBHOOK_DESTINATIONS=public\): localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/)
    } else {
      expect(res.body).toEqual(refused(refusedPublic(why)))
    }
  })

  it('public mode takes a public address, and checks a PUT as a POST', async () => {
    const res = await post(pubStore, 'https://93.184.215.14/h')
    expect(res.status).toBe(200)
    const put = await pubStore.request('PUT', `/hooks/${res.body.data.id}`, { destination: 'https://10.0.0.1/h' })
    expect(put.body).toEqual(refused(refusedPublic('10.0.0.1 is not a public address')))
    expect((await pubStore.request('GET', `/hooks/${res.body.data.id}`)).body.data.destination).toBe('https://93.184.215.14/h')
    expect((await pubStore.request('GET', '/hooks')).body.data).toHaveLength(1)
  })
})
