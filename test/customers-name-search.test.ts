import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/db/connect.js'
import { migrateToLatest, migrator } from '../src/db/migrate.js'
import { filteredCustomerJson } from '../src/resources/customers/queries.js'
import { DEFAULT_SEED_PLAN } from '../src/seed/plan.js'
import { seedStore } from '../src/seed/seed-store.js'
import { exportStore } from '../src/stores/dump/export.js'
import { importStore } from '../src/stores/dump/import.js'
import { storeIdOf } from '../src/stores/lookup.js'
import { createStore, deleteStore } from '../src/stores/service.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, type TestApp, type TestStore } from './helpers/app.js'
import { BACKENDS } from './helpers/backends.js'
import { postCustomers } from './helpers/customers.js'

// `name:like` against what it must equal: the customers whose lower-cased "first last" holds any
// of the lower-cased texts, literally, in id order, with their total. SQLite looks the names up in
// a trigram index (customers_name_fts, src/db/name-search.ts) kept by triggers, so these tests
// also put the index through every writer: the API's writes, reset, snapshot restore, store-file
// import, the seed and a store's deletion. PostgreSQL runs the same requests on its own index.

interface Listed {
  id: number
  first_name: string
  last_name: string
}

describe.each(BACKENDS)('%s: name:like', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  async function everyCustomer(store: TestStore): Promise<Listed[]> {
    const all: Listed[] = []
    for (let page = 1; ; page++) {
      const res = await store.request('GET', `/customers?limit=250&page=${page}`)
      expect(res.status).toBe(200)
      all.push(...res.body.data)
      if (page >= res.body.meta.pagination.total_pages) return all
    }
  }

  /** The ids name:like lists for the texts (one comma list), every page of `limit`, and the total each page gives. */
  async function nameLike(store: TestStore, texts: string[], limit = 250): Promise<{ ids: number[]; totals: number[] }> {
    const ids: number[] = []
    const totals: number[] = []
    const filter = `name:like=${texts.map(encodeURIComponent).join(',')}`
    for (let page = 1; ; page++) {
      const res = await store.request('GET', `/customers?${filter}&limit=${limit}&page=${page}`)
      expect(res.status, res.text).toBe(200)
      ids.push(...res.body.data.map((c: Listed) => c.id))
      totals.push(res.body.meta.pagination.total)
      if (page >= res.body.meta.pagination.total_pages) return { ids, totals }
    }
  }

  /** name:like lists exactly the customers holding a text, in id order, with their number as every page's total. */
  async function expectFound(store: TestStore, texts: string[], expected?: number[], limit?: number): Promise<void> {
    const customers = await everyCustomer(store)
    const holding = customers
      .filter((c) => texts.some((text) => `${c.first_name} ${c.last_name}`.toLowerCase().includes(text.toLowerCase())))
      .map((c) => c.id)
    if (expected) expect(holding).toEqual(expected)
    const got = await nameLike(store, texts, limit)
    expect(got.ids, texts.join(',')).toEqual(holding)
    for (const total of got.totals) expect(total).toBe(holding.length)
  }

  /** SQLite: the trigram table holds exactly every customer's key and name (nothing stale, nothing missing). */
  async function expectIndexInStep(): Promise<void> {
    if (backend !== 'sqlite') return
    const missing = await sql<{ n: number }>`select count(*) as n from customers c
      where not exists (select 1 from customers_name_fts f where f.rowid = (c.store_id << 32) + c.id and f.name_key = c.name_key)`.execute(t.db)
    const stale = await sql<{ n: number }>`select count(*) as n from customers_name_fts f
      where not exists (select 1 from customers c where (c.store_id << 32) + c.id = f.rowid and c.name_key = f.name_key)`.execute(t.db)
    expect({ missing: missing.rows[0]!.n, stale: stale.rows[0]!.n }).toEqual({ missing: 0, stale: 0 })
  }

  it('matches % _ and \\ literally inside texts long enough for the trigram index', async () => {
    const store = await t.newStore()
    const [a, , c, , e] = await postCustomers(
      store,
      { first_name: 'Mary_Ann', last_name: 'Lee' },
      { first_name: 'MaryXAnn', last_name: 'Lee' },
      { first_name: 'Fifty%', last_name: 'Off' },
      { first_name: 'Fifty', last_name: 'Percent Off' },
      { first_name: 'Back\\slash', last_name: 'Lee' },
      { first_name: 'Backslash', last_name: 'Lee' },
    )
    await expectFound(store, ['ary_ann'], [a!.id])
    await expectFound(store, ['y_a'], [a!.id])
    await expectFound(store, ['fty% o'], [c!.id])
    await expectFound(store, ['%'], [c!.id])
    await expectFound(store, ['%%'], [])
    await expectFound(store, ['___'], [])
    await expectFound(store, ['ck\\sla'], [e!.id])
    await expectFound(store, ['\\'], [e!.id])
    await expectIndexInStep()
  })

  it('matches texts of one and two characters, alone and beside longer ones', async () => {
    const store = await t.newStore()
    const [a, b, c] = await postCustomers(
      store,
      { first_name: 'Jo', last_name: 'Li' },
      { first_name: 'Ann', last_name: 'Okafor' },
      { first_name: 'Bo', last_name: 'Xu' },
    )
    await expectFound(store, ['o'], [a!.id, b!.id, c!.id])
    await expectFound(store, ['O L'], [a!.id])
    await expectFound(store, ['xu', 'okafor'], [b!.id, c!.id])
    await expectFound(store, ['kaf', 'zz'], [b!.id])
    await expectFound(store, [' '], [a!.id, b!.id, c!.id])
  })

  it('matches names beyond ASCII, in any case, and only as they are written', async () => {
    const store = await t.newStore()
    const [a, b, c, d] = await postCustomers(
      store,
      { first_name: 'Zoë', last_name: 'Øster' },
      { first_name: 'Émile', last_name: 'Zola' },
      { first_name: 'Jürgen', last_name: 'Straße' },
      { first_name: 'Ἀλέξανδρος', last_name: 'Παπαδόπουλος' },
      { first_name: 'Emile', last_name: 'Strasse' },
    )
    await expectFound(store, ['ZOË Ø'], [a!.id])
    await expectFound(store, ['ÉMILE'], [b!.id])
    await expectFound(store, ['straße'], [c!.id])
    await expectFound(store, ['STRASSE'], [5])
    await expectFound(store, ['ΠΑΠΑΔ'], [d!.id])
    await expectFound(store, ['όπου'], [d!.id])
    await expectFound(store, ['ë'], [a!.id])
    await expectFound(store, ['🙂🙂🙂'], [])
    await expectIndexInStep()
  })

  it('gives the same pages, order and total as the whole list read through', async () => {
    const store = await t.newStore()
    const names = ['Hauck', 'Okafor', 'Mensah', 'Haug', 'Auckland']
    for (let batch = 0; batch < 4; batch++) {
      await postCustomers(store, ...Array.from({ length: 10 }, (_, i) => ({ first_name: `Ann${i % 3}`, last_name: names[(batch + i) % names.length]! })))
    }
    for (const texts of [['hauck'], ['auck'], ['au'], ['hauck', 'mensah'], ['ann1 h'], ['nobody']]) {
      await expectFound(store, texts, undefined, 7)
    }
  })

  it('finds a customer under the name it has now: renamed, deleted, another store with the same names', async () => {
    const store = await t.newStore()
    const other = await t.newStore()
    const [a, b] = await postCustomers(store, { first_name: 'Ada', last_name: 'Okafor' }, { first_name: 'Ben', last_name: 'Okafor' })
    const [o] = await postCustomers(other, { first_name: 'Ada', last_name: 'Okafor' })
    await expectFound(store, ['okafor'], [a!.id, b!.id])

    expect((await store.request('PUT', '/customers', [{ id: a!.id, last_name: 'Mensah' }])).status).toBe(200)
    await expectFound(store, ['okafor'], [b!.id])
    await expectFound(store, ['mensah'], [a!.id])
    // a change that leaves the name as it was
    expect((await store.request('PUT', '/customers', [{ id: b!.id, company: 'Acme', first_name: 'Ben' }])).status).toBe(200)
    await expectFound(store, ['ben oka'], [b!.id])

    expect((await store.request('DELETE', `/customers?id:in=${b!.id}`)).status).toBe(204)
    await expectFound(store, ['okafor'], [])
    await expectFound(other, ['okafor'], [o!.id])
    await expectIndexInStep()
  })

  it('finds what a reset, a snapshot restore and a store-file import leave in the store, and nothing of what they remove', async () => {
    const store = await t.newStore()
    await postCustomers(store, { first_name: 'Ada', last_name: 'Okafor' }, { first_name: 'Ben', last_name: 'Mensah' })
    expect((await admin(t, 'POST', `/stores/${store.hash}/snapshots`, { name: 'two' })).status).toBe(200)

    expect((await admin(t, 'POST', `/stores/${store.hash}/reset`)).status).toBe(204)
    await expectFound(store, ['okafor', 'mensah'], [])
    await expectIndexInStep()
    // ids start again at 1: the new customer 1 is found by its own name only
    const [fresh] = await postCustomers(store, { first_name: 'Cleo', last_name: 'Hauck' })
    expect(fresh!.id).toBe(1)
    await expectFound(store, ['okafor'], [])
    await expectFound(store, ['hauck'], [1])

    expect((await admin(t, 'POST', `/stores/${store.hash}/snapshots/two/restore`)).status).toBe(200)
    await expectFound(store, ['okafor'], [1])
    await expectFound(store, ['mensah'], [2])
    await expectFound(store, ['hauck'], [])
    await expectIndexInStep()

    let file = ''
    await exportStore(t.db, await storeIdOf(t.db, store.hash), (chunk) => {
      file += chunk
    })
    const copy = await t.newStore()
    await importStore(t.db, { hash: copy.hash, replace: true }, file.split('\n').filter((line) => line !== ''))
    await expectFound(copy, ['okafor', 'mensah'], [1, 2])
    await expectIndexInStep()
  })

  it('finds seeded customers, and forgets a deleted store', async () => {
    const store = await t.newStore()
    await seedStore(t.db, { ...DEFAULT_SEED_PLAN, storeHash: store.hash, customers: 120, addresses: 0, seed: 7 })
    const customers = await everyCustomer(store)
    expect(customers).toHaveLength(120)
    const name = `${customers[17]!.first_name} ${customers[17]!.last_name}`.toLowerCase()
    for (const texts of [[name], [name.slice(-4)], [name.slice(1, 4)], [customers[3]!.last_name.slice(0, 2)], [customers[5]!.first_name, customers[60]!.last_name]]) {
      await expectFound(store, texts)
    }
    await expectIndexInStep()
    await deleteStore(t.db, store.hash)
    await expectIndexInStep()
  })
})

describe.skipIf(!BACKENDS.includes('sqlite'))('sqlite: the trigram index migration', () => {
  it('indexes the customers that were there before it', async () => {
    const { db } = openDatabase(':memory:')
    try {
      expect((await migrator(db).migrateTo('2026_12_04_0014_store_snapshots')).error).toBeUndefined()
      await createStore(db, 'before')
      const { id: storeId } = await db.selectFrom('stores').select('id').where('hash', '=', 'before').executeTakeFirstOrThrow()
      const names = ['ada okafor', 'ben mensah', 'cleo okafor']
      await db
        .insertInto('customers')
        .values(names.map((name_key, i) => {
          const [first_name, last_name] = name_key.split(' ') as [string, string]
          return {
            store_id: storeId, id: i + 1, email: `c${i}@example.com`, email_key: `c${i}@example.com`, first_name, last_name, name_key,
            company: '', phone: '', notes: '', tax_exempt_category: '', registration_ip_address: '', customer_group_id: 0, password_hash: null,
            force_password_reset: 0, accepts_product_review_abandoned_cart_emails: 0, store_credit_amounts: '[]', origin_channel_id: 1,
            channel_ids: null, address_count: 0, attribute_count: 0, date_created: '2025-01-01T00:00:00Z', date_modified: '2025-01-01T00:00:00Z',
          }
        }))
        .execute()

      await migrateToLatest(db)
      const indexed = await sql<{ rowid: number; name_key: string }>`select rowid, name_key from customers_name_fts order by rowid`.execute(db)
      expect(indexed.rows).toEqual(names.map((name_key, i) => ({ rowid: storeId * 2 ** 32 + i + 1, name_key })))
      const found = await filteredCustomerJson(db, storeId, { 'name:like': ['okafor'] }, undefined).orderBy('id').execute()
      expect(found.map((row) => row.id)).toEqual([1, 3])
      // the index is read for a text of 3 characters or more, not for a shorter one
      const query = (text: string) => filteredCustomerJson(db, storeId, { 'name:like': [text] }, undefined).compile().sql
      expect(query('oka')).toContain('customers_name_fts')
      expect(query('ok')).not.toContain('customers_name_fts')
    } finally {
      await db.destroy()
    }
  })
})
