import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { STORE_ADMIN_TABLES, STORE_DATA_TABLES } from '../src/db/schema.js'
import { hashToken } from '../src/stores/tokens.js'
import { BACKENDS, pgTestSchema } from './helpers/backends.js'
import { buildTestApp, type TestApp } from './helpers/app.js'

// Properties of the stored schema that no HTTP response shows.

describe.each(BACKENDS)('%s: database schema', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  /** Our tables: on PostgreSQL the search path also reaches `public`, which is not ours. */
  async function ourTables() {
    const tables = await t.db.introspection.getTables({ withInternalKyselyTables: false })
    return tables.filter((table) => (backend === 'postgres' ? table.schema === pgTestSchema() : true))
  }

  it('stores API tokens only as hashes', async () => {
    const store = await t.newStore()
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    const rows = await t.db.selectFrom('api_accounts').selectAll().execute()
    const stored = JSON.stringify(rows)
    for (const token of [store.token, readOnly]) {
      expect(stored).not.toContain(token)
      expect(stored).toContain(hashToken(token))
    }
  })

  // `stores reset` empties STORE_DATA_TABLES; a new table with a store_id that is in neither list
  // would survive a reset unnoticed.
  it('lists every table with a store_id column as store data or store administration', async () => {
    const listed: readonly string[] = [...STORE_DATA_TABLES, ...STORE_ADMIN_TABLES]
    const tables = await ourTables()
    const unlisted = tables
      .filter((table) => table.columns.some((column) => column.name === 'store_id'))
      .map((table) => table.name)
      .filter((name) => !listed.includes(name))
    expect(unlisted).toEqual([])
  })

  it('has every listed table in the database, store data tables with a store_id column', async () => {
    const tables = await ourTables()
    const names = tables.map((table) => table.name)
    expect(names).toEqual(expect.arrayContaining([...STORE_DATA_TABLES, ...STORE_ADMIN_TABLES]))
    for (const name of STORE_DATA_TABLES) {
      const table = tables.find((candidate) => candidate.name === name)
      expect(table?.columns.map((column) => column.name)).toContain('store_id')
    }
  })

  it('keeps the two lists apart', () => {
    const both = STORE_DATA_TABLES.filter((name) => (STORE_ADMIN_TABLES as readonly string[]).includes(name))
    expect(both).toEqual([])
  })
})
