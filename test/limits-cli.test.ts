import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { UNLIMITED_QUOTA } from '../src/core/rate-limit-plans.js'
import { ALL_SCOPES } from '../src/core/scopes.js'
import type { Database } from '../src/db/schema.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { run, throughApp, useProcessDatabase } from './helpers/process.js'

// `clientele limits ...` as a real process, each test on a database of its own; what it sets is
// checked through an app on the same database.

/** A GET /customers through an app on the database the CLI wrote: status and quota headers. */
async function quotaSeen(db: Kysely<Database>, hash: string, token: string) {
  const res = await throughApp(db, 'GET', `/stores/${hash}/v3/customers`, undefined, { 'x-auth-token': token })
  return {
    status: res.status,
    quota: res.headers['x-rate-limit-requests-quota'],
    window: res.headers['x-rate-limit-time-window-ms'],
  }
}

describe.each(BACKENDS)('%s: clientele limits', (backend: Backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database

  it('limits set gives a store a quota its API responses announce', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })
    expect(await quotaSeen(db, 'shop-a', token)).toEqual({ status: 200, quota: String(UNLIMITED_QUOTA), window: '30000' })

    expect(await clientele('limits', 'set', 'shop-a', '--quota', '150')).toMatchObject({
      code: 0,
      stdout: 'shop-a\t150 requests per 30000 ms\n',
      stderr: '',
    })
    expect(await quotaSeen(db, 'shop-a', token)).toEqual({ status: 200, quota: '150', window: '30000' })
  })

  it('limits set --plan puts a store on a named plan', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })
    expect(await clientele('limits', 'set', 'shop-a', '--plan', 'pro')).toMatchObject({
      code: 0,
      stdout: 'shop-a\tpro (450 requests per 30000 ms)\n',
      stderr: '',
    })
    expect(await quotaSeen(db, 'shop-a', token)).toEqual({ status: 200, quota: '450', window: '30000' })
    expect(await clientele('limits', 'set', 'shop-a', '--plan', 'unlimited')).toMatchObject({ code: 0, stdout: 'shop-a\tunlimited\n' })
  })

  it('limits set refuses an unknown plan, a plan with a quota, and neither', async () => {
    await createStore(await database.open(), 'shop-a')
    const gold = await clientele('limits', 'set', 'shop-a', '--plan', 'gold')
    expect(gold.code).not.toBe(0)
    expect(gold.stderr).toContain('standard, plus, pro, enterprise, unlimited')
    expect(await clientele('limits', 'set', 'shop-a', '--plan', 'pro', '--quota', '5')).toMatchObject({
      code: 2,
      stderr: 'clientele: give --plan, or --quota (and --window-ms), not both\n',
    })
    expect(await clientele('limits', 'set', 'shop-a')).toMatchObject({ code: 2, stderr: 'clientele: give --plan or --quota\n' })
    expect(await clientele('limits', 'show', 'shop-a')).toMatchObject({ code: 0, stdout: 'shop-a\tunlimited\t(default)\n' })
  })

  it('limits show prints one store as text and JSON, and every store with its own quota and the default without a hash', async () => {
    const db = await database.open()
    for (const hash of ['shop-a', 'shop-b', 'shop-c']) await createStore(db, hash)
    expect((await clientele('limits', 'set', 'shop-a', '--quota', '450', '--window-ms', '30000')).code).toBe(0)
    expect((await clientele('limits', 'set', 'shop-c', '--quota', '5', '--window-ms', '1000')).code).toBe(0)

    expect(await clientele('limits', 'show', 'shop-b')).toMatchObject({ code: 0, stdout: 'shop-b\tunlimited\t(default)\n' })
    const json = await clientele('limits', 'show', 'shop-a', '--json')
    expect(JSON.parse(json.stdout)).toEqual({ store_hash: 'shop-a', source: 'store', plan: null, quota: 450, window_ms: 30_000, unlimited: false })
    expect(await clientele('limits', 'show')).toMatchObject({
      code: 0,
      stdout: 'shop-a\t450 requests per 30000 ms\nshop-c\t5 requests per 1000 ms\nevery other store\tunlimited\t(DEFAULT_RATE_LIMIT)\n',
    })
  })

  it('limits show names the default DEFAULT_RATE_LIMIT sets', async () => {
    await createStore(await database.open(), 'shop-a')
    const env = { ...database.env, DEFAULT_RATE_LIMIT: '150/30s' }
    expect(await run(['limits', 'show', 'shop-a'], env)).toMatchObject({ code: 0, stdout: 'shop-a\t150 requests per 30000 ms\t(default)\n' })
    expect(await run(['limits', 'show'], { ...database.env, DEFAULT_RATE_LIMIT: 'plus' })).toMatchObject({
      code: 0,
      stdout: 'every other store\tplus\t(DEFAULT_RATE_LIMIT)\n',
    })
    const bad = await run(['limits', 'show'], { ...database.env, DEFAULT_RATE_LIMIT: '150 per minute' })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('DEFAULT_RATE_LIMIT: "150 per minute" is not a quota')
  })

  it('limits clear (or off) gives the store the default again', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })
    for (const verb of ['clear', 'off']) {
      expect((await clientele('limits', 'set', 'shop-a', '--quota', '10')).code).toBe(0)
      expect(await quotaSeen(db, 'shop-a', token)).toEqual({ status: 200, quota: '10', window: '30000' })
      expect(await clientele('limits', verb, 'shop-a')).toMatchObject({ code: 0, stdout: 'shop-a\tunlimited\t(default)\n' })
      expect(await quotaSeen(db, 'shop-a', token)).toEqual({ status: 200, quota: String(UNLIMITED_QUOTA), window: '30000' })
    }
  })

  it('limits set refuses an unknown store and a quota of 0 with exit code 2', async () => {
    await createStore(await database.open(), 'shop-a')
    expect(await clientele('limits', 'set', 'nowhere', '--quota', '5')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'clientele: no store "nowhere"\n',
    })
    expect(await clientele('limits', 'set', 'shop-a', '--quota', '0')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'clientele: quota must be an integer from 1 to 2147483647\n',
    })
  })
})
