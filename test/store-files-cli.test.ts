import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { throughApp, useProcessDatabase } from './helpers/process.js'

// `clientele export`, `import` and `snapshots` as a real process: what a CI script runs.

describe.each(BACKENDS)('%s: clientele export, import and snapshots', (backend: Backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clientele-files-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  /** Store `shop` with an API account and two customers; returns its token. */
  async function shop(): Promise<string> {
    const db = await database.open()
    await createStore(db, 'shop')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop', scopes: ALL_SCOPES })
    const res = await throughApp(db, 'POST', '/stores/shop/v3/customers', [
      { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
      { email: 'alan@example.com', first_name: 'Alan', last_name: 'Turing' },
    ], { 'x-auth-token': token })
    expect(res.status).toBe(200)
    return token
  }

  async function emails(hash: string, token: string): Promise<string[]> {
    const res = await throughApp(database.connect(), 'GET', `/stores/${hash}/v3/customers`, undefined, { 'x-auth-token': token })
    expect(res.status).toBe(200)
    return res.body.data.map((c: { email: string }) => c.email)
  }

  it('exports to a file and imports it into a new store, which exports the same file', async () => {
    await shop()
    const file = join(dir, 'shop.ndjson')
    const exported = await clientele('export', '--store', 'shop', '--out', file)
    expect(exported).toMatchObject({ code: 0, stderr: '' })
    expect(exported.stdout).toMatch(/^exported store shop: \d+ rows to .*shop\.ndjson\n$/)
    expect(existsSync(`${file}.partial`)).toBe(false)

    expect(await clientele('import', file, '--store', 'copy')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^imported \d+ rows into new store copy\n/) })
    const again = await clientele('export', '--store', 'copy')
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(readFileSync(file, 'utf8'))
    const db = database.connect()
    const { access_token: token } = await createAccount(db, { storeHash: 'copy', scopes: ALL_SCOPES })
    expect(await emails('copy', token)).toEqual(['ada@example.com', 'alan@example.com'])
  })

  it('refuses a bad file with one line naming it and its line, a non-zero exit, and nothing changed', async () => {
    const token = await shop()
    const file = join(dir, 'shop.ndjson')
    await clientele('export', '--store', 'shop', '--out', file)
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    const cut = join(dir, 'cut.ndjson')
    writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n`)

    const refused = await clientele('import', cut, '--store', 'shop', '--replace')
    expect(refused).toMatchObject({ code: 1, stdout: '' })
    expect(refused.stderr).toBe(`clientele: ${cut}: line ${lines.length}: the file ends without its end line after ${lines.length - 2} rows (was it cut short?); nothing was imported\n`)
    expect(await emails('shop', token)).toEqual(['ada@example.com', 'alan@example.com'])

    expect(await clientele('import', join(dir, 'missing.ndjson'), '--store', 'shop')).toMatchObject({ code: 1, stderr: `clientele: no file "${join(dir, 'missing.ndjson')}"\n` })
    expect(await clientele('import', file, '--store', 'shop')).toMatchObject({ code: 2, stderr: 'clientele: store "shop" holds data: replace it (--replace) or import into an empty or new store\n' })
    expect(await clientele('export', '--store', 'nope')).toMatchObject({ code: 2, stderr: 'clientele: no store "nope"\n' })
    expect(await clientele('export')).toMatchObject({ code: 1, stderr: expect.stringContaining("required option '--store <hash>' not specified") })
  })

  it('snapshots create, list, restore and delete', async () => {
    const token = await shop()
    expect(await clientele('snapshots', 'create', 'shop', 'clean')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^saved snapshot clean of store shop: 2 customers, \d+ rows, \d+ bytes\n$/) })
    const list = await clientele('snapshots', 'list', 'shop', '--json')
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'clean', date_created: expect.any(String), customers: 2, rows: expect.any(Number), bytes: expect.any(Number) }])

    await throughApp(database.connect(), 'DELETE', '/stores/shop/v3/customers?id:in=1,2', undefined, { 'x-auth-token': token })
    expect(await emails('shop', token)).toEqual([])
    expect(await clientele('snapshots', 'restore', 'shop', 'clean')).toMatchObject({ code: 0, stdout: 'restored store shop to snapshot clean (2 customers)\n' })
    expect(await emails('shop', token)).toEqual(['ada@example.com', 'alan@example.com'])

    expect(await clientele('snapshots', 'create', 'shop', 'clean')).toMatchObject({ code: 2, stderr: 'clientele: store "shop" has a snapshot "clean" already (replace it with "replace": true)\n' })
    expect(await clientele('snapshots', 'delete', 'shop', 'clean')).toMatchObject({ code: 0, stdout: 'deleted snapshot clean of store shop\n' })
    expect(await clientele('snapshots', 'list', 'shop')).toMatchObject({ code: 0, stdout: 'no snapshots\n' })
    expect(await clientele('snapshots', 'restore', 'shop', 'clean')).toMatchObject({ code: 2, stderr: 'clientele: store "shop" has no snapshot "clean"\n' })
  })
})
