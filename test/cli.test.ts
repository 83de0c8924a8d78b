import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { ALL_SCOPES, SCOPES } from '../src/core/scopes.js'
import { migrationsCurrent } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { createAccount, createStore, listStores } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { run, throughApp, useProcessDatabase } from './helpers/process.js'

// The `clientele` commands as a real process, each test on a database of its own. Set-up and
// checks go straight to that database (or to an app built on it), so only the command under test
// pays for a process start.

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

/** An API request through an app on the same database as the CLI; the status code. */
async function apiStatus(db: Kysely<Database>, method: 'GET' | 'POST', hash: string, token: string): Promise<number> {
  const body = method === 'POST' ? [{ email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' }] : undefined
  const response = await throughApp(db, method, `/stores/${hash}/v3/customers`, body, { 'x-auth-token': token, accept: 'application/json' })
  return response.status
}

describe.each(BACKENDS)('%s: clientele stores and tokens', (backend: Backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database

  it('migrate brings an empty database up to date', async () => {
    expect(await clientele('migrate')).toMatchObject({ code: 0, stdout: 'database is up to date\n', stderr: '' })
    expect(await migrationsCurrent(database.connect(), database.schema)).toBe(true)
  })

  it('stores create adds a store that stores list shows as text and as JSON', async () => {
    await database.open()
    expect(await clientele('stores', 'list')).toMatchObject({ code: 0, stdout: 'no stores\n' })
    expect(await clientele('stores', 'create', 'shop-a', '--name', 'Shop A')).toMatchObject({ code: 0, stdout: 'created store shop-a\n' })

    const text = await clientele('stores', 'list')
    expect(text.code).toBe(0)
    const [header, row, ...others] = text.stdout.trimEnd().split('\n')
    expect({ header, others }).toEqual({ header: 'hash\tname\tdate_created', others: [] })
    const [hash, name, created, ...rest] = row!.split('\t')
    expect({ hash, name, rest }).toEqual({ hash: 'shop-a', name: 'Shop A', rest: [] })
    expect(created).toMatch(TIMESTAMP)

    const json = await clientele('stores', 'list', '--json')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual([{ hash: 'shop-a', name: 'Shop A', date_created: created }])
  })

  it('stores create refuses an existing hash with exit code 2', async () => {
    await createStore(await database.open(), 'shop-a')
    expect(await clientele('stores', 'create', 'shop-a')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'clientele: store "shop-a" already exists\n',
    })
  })

  it("stores reset empties the store's data and keeps its accounts", async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })
    expect(await apiStatus(db, 'POST', 'shop-a', token)).toBe(200)

    expect(await clientele('stores', 'reset', 'shop-a')).toMatchObject({ code: 0, stdout: 'reset store shop-a\n' })
    expect(await db.selectFrom('customers').select('id').execute()).toEqual([])
    expect(await apiStatus(db, 'GET', 'shop-a', token)).toBe(200)
  })

  it('stores delete removes the store and its accounts', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    await createStore(db, 'shop-b')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })

    expect(await clientele('stores', 'delete', 'shop-a')).toMatchObject({ code: 0, stdout: 'deleted store shop-a\n' })
    expect((await listStores(db)).map((s) => s.hash)).toEqual(['shop-b'])
    expect(await apiStatus(db, 'GET', 'shop-a', token)).toBe(401)
  })

  it('tokens create --json prints an account whose token works with its scopes', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')

    const created = await clientele('tokens', 'create', '--store', 'shop-a', '--scopes', SCOPES.customersRead, '--client-id', 'x', '--json')
    expect(created.code).toBe(0)
    const account = JSON.parse(created.stdout)
    expect(account).toEqual({
      client_id: 'x',
      store_hash: 'shop-a',
      name: 'x',
      scopes: [SCOPES.customersRead],
      date_created: expect.stringMatching(TIMESTAMP),
      access_token: expect.stringMatching(/^[a-z0-9]{20,}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    })
    expect(await apiStatus(db, 'GET', 'shop-a', account.access_token)).toBe(200)
    expect(await apiStatus(db, 'POST', 'shop-a', account.access_token)).toBe(403)
  })

  it('tokens create refuses an unknown scope with exit code 2, naming the known ones', async () => {
    await createStore(await database.open(), 'shop-a')
    const result = await clientele('tokens', 'create', '--store', 'shop-a', '--scopes', 'store_v2_everything')
    expect(result).toMatchObject({ code: 2, stdout: '' })
    expect(result.stderr).toBe(`clientele: unknown scope(s): store_v2_everything; known: ${ALL_SCOPES.join(', ')}\n`)
  })

  it('tokens list shows the accounts without their tokens', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: [SCOPES.customersRead], clientId: 'reader' })

    const result = await clientele('tokens', 'list')
    expect(result).toMatchObject({ code: 0, stdout: `client_id\tstore\tscopes\tname\nreader\tshop-a\t${SCOPES.customersRead}\treader\n` })
    expect(result.stdout + result.stderr).not.toContain(token)
  })

  it('tokens revoke makes the token answer 401', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES, clientId: 'doomed' })
    expect(await apiStatus(db, 'GET', 'shop-a', token)).toBe(200)

    expect(await clientele('tokens', 'revoke', 'doomed')).toMatchObject({ code: 0, stdout: 'revoked doomed\n' })
    expect(await apiStatus(db, 'GET', 'shop-a', token)).toBe(401)
  })
})

describe('clientele --help', () => {
  it('lists the commands', async () => {
    const result = await run(['--help'], {})
    expect(result.code).toBe(0)
    const commands = result.stdout.split('Commands:\n')[1]?.split('\n').map((line) => line.trim().split(/\s+/)[0])
    expect(commands).toEqual(expect.arrayContaining(['serve', 'migrate', 'stores', 'tokens', 'help']))
  })
})
