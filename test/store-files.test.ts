import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Kysely } from 'kysely'
import { STORE_DATA_TABLES, type Database } from '../src/db/schema.js'
import { exportStore, type ExportOptions } from '../src/stores/dump/export.js'
import { StoreFileError } from '../src/stores/dump/format.js'
import { importStore } from '../src/stores/dump/import.js'
import { DUMP_TABLES, NOT_DUMPED } from '../src/stores/dump/tables.js'
import { StoreAdminError, storeIdOf } from '../src/stores/lookup.js'
import { createAccount, deleteStore } from '../src/stores/service.js'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { fillStore } from './helpers/full-store.js'

// Store files (docs/STORE-FILES.md): a whole store exported, imported into another, exported
// again to the same bytes; and every file that is wrong refused at its first problem, with the
// store left as it was.

describe.each(BACKENDS)('%s: store export and import', (backend) => {
  let t: TestApp
  let source: TestStore
  let file: string

  beforeAll(async () => {
    t = await buildTestApp(backend)
    source = await t.newStore()
    await fillStore(t, source)
    file = await exported(source.hash)
  })
  afterAll(() => t.close())

  async function exported(hash: string, options: ExportOptions = {}): Promise<string> {
    let text = ''
    await exportStore(t.db, await storeIdOf(t.db, hash), (chunk) => {
      text += chunk
    }, options)
    return text
  }

  const linesOf = (text: string) => text.split('\n').filter((line) => line !== '')
  const newHash = () => `i${Math.random().toString(36).slice(2, 12)}`

  /** What the API shows of a store: every list and document a store file carries. */
  async function apiView(store: { hash: string; token: string }): Promise<Record<string, unknown>> {
    const request = (path: string) => t.app.inject({ method: 'GET', url: `/stores/${store.hash}/v3${path}`, headers: { 'x-auth-token': store.token, accept: 'application/json' } })
    const paths = [
      '/customers?include=addresses,storecredit,attributes,formfields,shopper_profile_id,segment_ids', '/customers/addresses?include=formfields', '/customers/attributes',
      '/customers/attribute-values', '/customers/form-field-values', '/customers/metafields', '/customers/settings', '/customers/settings/channels/2',
      '/customers/1/consent', '/customers/2/stored-instruments', '/carts/metafields',
    ]
    const view: Record<string, unknown> = {}
    for (const path of paths) {
      const res = await request(path)
      view[path] = { status: res.statusCode, body: JSON.parse(res.body) }
    }
    return view
  }

  async function withToken(hash: string) {
    const account = await createAccount(t.db, { storeHash: hash, scopes: ALL_SCOPES })
    return { hash, token: account.access_token }
  }

  it('writes a header, every table in order, and an end line with the row count', () => {
    const lines = linesOf(file).map((line) => JSON.parse(line))
    expect(lines[0]).toEqual({ format: 'clientele-store', version: 1, accounts: false })
    expect(lines.at(-1)).toEqual({ end: true, rows: lines.length - 2 })
    const tables = [...new Set(lines.slice(1, -1).map((line) => line.table))]
    expect(tables).toEqual(DUMP_TABLES.filter((table) => !table.accounts).map((table) => table.name))
    const customers = lines.filter((line) => line.table === 'customers').map((line) => line.row)
    expect(customers.map((c) => [c.id, c.email])).toEqual([[1, 'ada@example.com'], [2, 'alan@example.com']])
    expect(customers[0].password_hash).toMatch(/^scrypt/)
    // The write versions are not data; the id sequences are.
    const counters = lines.filter((line) => line.table === 'store_counters').map((line) => line.row.name)
    expect(counters).toContain('customers.last_id')
    expect(counters).not.toContain('customers.writes')
  })

  it('imports into a new store that then exports the same bytes and answers the API the same', async () => {
    const hash = newHash()
    const summary = await importStore(t.db, { hash }, linesOf(file))
    expect(summary).toMatchObject({ created: true, rows: linesOf(file).length - 2 })
    // The metafield ids belong to the source store, which still holds them.
    expect(summary.renumbered).toEqual({ form_field_values: 2, metafields: 2 })
    const copy = await exported(hash)
    const withoutIds = (text: string) => text.replace(/"table":"(metafields|form_field_values)","row":\{"id":\d+,/g, '"table":"$1","row":{')
    expect(withoutIds(copy)).toBe(withoutIds(file))

    // Consent answers the time of the request as its updated_at: both views are read at one time.
    t.clock.set(new Date().toISOString())
    const [mine, theirs] = [await apiView(await withToken(hash)), await apiView(source)]
    // Shared ids given again (metafields', form field values'), and the cursors made of them.
    const dropIds = (view: Record<string, unknown>) => JSON.parse(JSON.stringify(view, (key, value) => (key.endsWith('_cursor') ? undefined : value)).replace(/"id":\d+,"key"/g, '"key"'))
    expect(dropIds(mine)).toEqual(dropIds(theirs))
  })

  it('carries the id sequences: the next customer of the copy gets the id the source would give', async () => {
    const hash = newHash()
    await importStore(t.db, { hash }, linesOf(file))
    const copy = await withToken(hash)
    const res = await t.app.inject({ method: 'POST', url: `/stores/${hash}/v3/customers`, headers: { 'x-auth-token': copy.token, 'content-type': 'application/json' }, payload: JSON.stringify([newCustomer()]) })
    expect(res.statusCode).toBe(200)
    // Customer 3 was deleted in the source: ids are never reused.
    expect(JSON.parse(res.body).data[0].id).toBe(4)
    const list = await t.app.inject({ method: 'GET', url: `/stores/${hash}/v3/customers`, headers: { 'x-auth-token': copy.token } })
    expect(JSON.parse(list.body).meta.pagination.total).toBe(3)
  })

  it('with tokens, carries the accounts and hooks: a store deleted and imported again answers its old token', async () => {
    const store = await t.newStore()
    await fillStore(t, store)
    const withTokens = await exported(store.hash, { withTokens: true })
    expect(JSON.parse(linesOf(withTokens)[0]!)).toEqual({ format: 'clientele-store', version: 1, accounts: true })
    t.clock.set(new Date().toISOString()) // consent's updated_at: the time of the request
    const before = await apiView(store)
    const hooks = await store.request('GET', '/hooks')
    await deleteStore(t.db, store.hash)

    const summary = await importStore(t.db, { hash: store.hash }, linesOf(withTokens))
    expect(summary.renumbered).toEqual({})
    expect(await exported(store.hash, { withTokens: true })).toBe(withTokens)
    expect(await apiView(store)).toEqual(before)
    expect(await store.request('GET', '/hooks')).toMatchObject({ status: 200, body: hooks.body })
  })

  it('refuses a store that holds data unless told to replace it, and a replace keeps its accounts', async () => {
    const target = await t.newStore()
    await target.request('POST', '/customers', [newCustomer({ email: 'old@example.com' })])
    const before = await exported(target.hash)
    await expect(importStore(t.db, { hash: target.hash }, linesOf(file))).rejects.toThrow(new StoreAdminError('conflict', `store "${target.hash}" holds data: replace it (--replace) or import into an empty or new store`))
    expect(await exported(target.hash)).toBe(before)

    await importStore(t.db, { hash: target.hash, replace: true }, linesOf(file))
    const res = await target.request('GET', '/customers')
    expect(res.status).toBe(200)
    expect(res.body.data.map((c: { email: string }) => c.email)).toEqual(['ada@example.com', 'alan@example.com'])
    expect(res.body.meta.pagination.total).toBe(2)
  })

  it('imports into an existing empty store', async () => {
    const target = await t.newStore()
    expect(await importStore(t.db, { hash: target.hash }, linesOf(file))).toMatchObject({ created: false })
    expect((await target.request('GET', '/customers')).body.meta.pagination.total).toBe(2)
  })

  describe('a file that is wrong is refused at its first problem, and nothing changes', () => {
    const lines = () => linesOf(file)
    const at = (predicate: (line: string) => boolean) => lines().findIndex(predicate)
    const replaceLine = (index: number, line: string) => lines().map((l, i) => (i === index ? line : l))
    const customerLine = () => at((line) => line.startsWith('{"table":"customers"'))
    const customerRow = () => JSON.parse(lines()[customerLine()]!).row
    // Each case: the file, and the line (1-based) and problem the import must name.
    const cases: Record<string, () => [string[], number, string]> = {
      'an empty file': () => [[], 1, 'the file is empty'],
      'a file cut short': () => [lines().slice(0, -3), lines().length - 2, `the file ends without its end line after ${lines().length - 4} rows (was it cut short?)`],
      'not JSON': () => [replaceLine(customerLine(), '{"table":"customers",'), customerLine() + 1, 'not JSON'],
      'another format': () => [replaceLine(0, '{"format":"other","version":1}'), 1, 'not a store file: the first line must be a header with "format":"clientele-store"'],
      'a version this server does not read': () => [replaceLine(0, '{"format":"clientele-store","version":2,"accounts":false}'), 1, 'version 2 is not one this server reads (it reads 1)'],
      'an unknown table': () => [replaceLine(customerLine(), '{"table":"orders","row":{}}'), customerLine() + 1, 'unknown table "orders"'],
      'an unknown column': () => [replaceLine(customerLine(), JSON.stringify({ table: 'customers', row: { ...customerRow(), age: 3 } })), customerLine() + 1, 'customers: unknown column "age"'],
      'a missing column': () => [replaceLine(customerLine(), JSON.stringify({ table: 'customers', row: { ...customerRow(), email: undefined } })), customerLine() + 1, 'customers: column "email" is missing'],
      'a value of the wrong type': () => [replaceLine(customerLine(), JSON.stringify({ table: 'customers', row: { ...customerRow(), id: '1' } })), customerLine() + 1, 'customers.id must be an integer, not "1"'],
      'a null where none is allowed': () => [replaceLine(customerLine(), JSON.stringify({ table: 'customers', row: { ...customerRow(), email: null } })), customerLine() + 1, 'customers.email must be a string, not null'],
      'a row of a customer the file lacks': () => {
        const index = at((line) => line.startsWith('{"table":"customer_addresses"'))
        const row = JSON.parse(lines()[index]!).row
        return [replaceLine(index, JSON.stringify({ table: 'customer_addresses', row: { ...row, customer_id: 99 } })), index + 1, 'customer_addresses: customer 99 is not in the file']
      },
      'tables out of order': () => {
        const all = lines()
        const index = at((line) => line.startsWith('{"table":"store_counters"'))
        return [[all[0]!, all[index]!, ...all.slice(1, index), ...all.slice(index + 1)], 3, 'channels rows after store_counters rows (tables come in the documented order)']
      },
      'a write version': () => [replaceLine(customerLine(), '{"table":"store_counters","row":{"name":"customers.writes","value":1}}'), customerLine() + 1, 'store_counters: "customers.writes" is a write version, not data'],
      'accounts in a file without them': () => [replaceLine(customerLine(), '{"table":"api_accounts","row":{}}'), customerLine() + 1, 'api_accounts rows in a file whose header says it holds no accounts'],
      'a wrong row count': () => [replaceLine(lines().length - 1, '{"end":true,"rows":1}'), lines().length, `the end line must be {"end":true,"rows":${lines().length - 2}} (the rows above it)`],
      'a line after the end': () => [[...lines(), '{"end":true,"rows":0}'], lines().length + 1, 'a line after the end line'],
    }

    it.each(Object.keys(cases))('%s', async (name) => {
      const [bad, line, problem] = cases[name]!()
      const hash = newHash()
      await expect(importStore(t.db, { hash }, bad)).rejects.toThrow(new StoreFileError(line, problem))
      // The store the import would have made is not there.
      expect(await t.db.selectFrom('stores').select('id').where('hash', '=', hash).executeTakeFirst()).toBeUndefined()

      // Into an existing store with data, replaced: it is left as it was.
      const target = await t.newStore()
      await target.request('POST', '/customers', [newCustomer({ email: 'kept@example.com' })])
      const before = await exported(target.hash)
      await expect(importStore(t.db, { hash: target.hash, replace: true }, bad)).rejects.toThrow(StoreFileError)
      expect(await exported(target.hash)).toBe(before)
      expect((await target.request('GET', '/customers')).body.meta.pagination.total).toBe(1)
    })

    it('a row the database refuses (one address twice) names its lines', async () => {
      const index = at((line) => line.startsWith('{"table":"customer_addresses"'))
      const [first, second] = [JSON.parse(lines()[index]!).row, JSON.parse(lines()[index + 1]!).row]
      const bad = replaceLine(index + 1, JSON.stringify({ table: 'customer_addresses', row: { ...second, customer_id: first.customer_id, fingerprint: first.fingerprint } }))
      const hash = newHash()
      const error = await importStore(t.db, { hash }, bad).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreFileError)
      expect((error as StoreFileError).message).toMatch(new RegExp(`^line ${index + 1}: customer_addresses rows of lines ${index + 1}-${index + 2} were refused by the database: `))
      expect(await t.db.selectFrom('stores').select('id').where('hash', '=', hash).executeTakeFirst()).toBeUndefined()
    })
  })

  it('covers every store table: each is dumped or listed as deliberately not, with the columns the schema has', async () => {
    const storeTables = await tablesWithColumns(t.db)
    const dumped = DUMP_TABLES.map((table) => table.name)
    const withStoreId = [...storeTables].filter(([, columns]) => columns.includes('store_id')).map(([name]) => name)
    expect([...withStoreId].sort()).toEqual([...dumped, ...NOT_DUMPED.filter((name) => name !== 'stores')].sort())
    for (const table of STORE_DATA_TABLES) expect([...dumped, ...NOT_DUMPED] as string[]).toContain(table)
    // Internal ids (no API shows them) are left out, and a counter's slots (its line holds their
    // sum); every other column is in the file.
    const internalIds = new Set(['stored_instruments.id', 'api_accounts.id', 'store_counters.slot'])
    for (const table of DUMP_TABLES) {
      const expected = storeTables.get(table.name)!.filter((column) => column !== 'store_id' && !internalIds.has(`${table.name}.${column}`))
      expect(Object.keys(table.columns).sort(), table.name).toEqual(expected.sort())
    }
  })
})

async function tablesWithColumns(db: Kysely<Database>): Promise<Map<string, string[]>> {
  const tables = await db.introspection.getTables()
  return new Map(tables.map((table) => [table.name, table.columns.map((column) => column.name)]))
}
