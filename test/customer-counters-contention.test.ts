import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCounter } from '../src/db/counters.js'
import { prepareCustomers, writeCustomers } from '../src/resources/customers/service.js'
import type { CustomerCreate } from '../src/resources/customers/schemas.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, newCustomer, type Response, type TestApp, type TestStore } from './helpers/app.js'

// On PostgreSQL a row a transaction updates stays locked until it commits. The customers' id
// counter, count and write version were one row each, so every customer write of a store waited
// for the one before it to commit. Here a create of the store is held open (its transaction
// written, not committed) while the API creates, updates and deletes customers of the same
// store: each must answer while it is open, and afterwards the ids, totals and kept totals
// (their write version) must be right. SQLite has one writer at a time and is not asked.

const PATIENCE_MS = 3_000

/** The answer, or a failure naming what waited: a writer blocked on the held transaction never answers while it is open. */
async function answeredSoon(what: string, request: Promise<Response>): Promise<Response> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} waited for the open transaction`)), PATIENCE_MS)
  })
  try {
    return await Promise.race([request, late])
  } finally {
    clearTimeout(timer)
  }
}

describe.skipIf(!BACKENDS.includes('postgres'))('postgres: customer writers of one store do not wait for each other', () => {
  let t: TestApp
  let store: TestStore
  let storeId: number

  beforeAll(async () => {
    t = await buildTestApp('postgres')
    store = await t.newStore()
    storeId = (await t.db.selectFrom('stores').select('id').where('hash', '=', store.hash).executeTakeFirstOrThrow()).id
  })
  afterAll(() => t?.close())

  const acme = (n: number) => Array.from({ length: n }, () => newCustomer({ company: 'Acme' }))
  const total = async (query = '') => (await store.request('GET', `/customers?limit=1${query}`)).body.meta.pagination.total as number

  /**
   * Runs `during` while a transaction that created `items` is open; the transaction then commits,
   * or rolls back when `rollback`. Returns the ids it was given and what `during` returned.
   */
  async function whileCreateIsOpen<T>(items: Record<string, unknown>[], during: () => Promise<T>, rollback = false): Promise<{ heldIds: number[]; result: T }> {
    const now = new Date()
    const prepared = await prepareCustomers(t.db, now, storeId, items as CustomerCreate[])
    let written!: (ids: number[]) => void
    const opened = new Promise<number[]>((resolve) => (written = resolve))
    let finish!: () => void
    const finished = new Promise<void>((resolve) => (finish = resolve))
    const transaction = t.db.transaction().execute(async (trx) => {
      written((await writeCustomers(trx, now, storeId, prepared)).map((row) => row.id))
      await finished
      if (rollback) throw new Error('rolled back on purpose')
    })
    const heldIds = await opened
    try {
      return { heldIds, result: await during() }
    } finally {
      finish()
      await transaction.catch((error: unknown) => {
        if (!rollback) throw error
      })
    }
  }

  it('creates, updates and deletes while another create is open; ids, totals and kept totals are right after', async () => {
    const seeded = await store.request('POST', '/customers', acme(3))
    expect(seeded.status).toBe(200)
    const [first, second] = seeded.body.data.map((c: { id: number }) => c.id) as number[]
    // A filtered total, kept until a write of customers moves the write version.
    expect(await total('&company:in=Acme')).toBe(3)

    const { heldIds, result } = await whileCreateIsOpen(acme(2), async () => {
      const created = await answeredSoon('POST /customers', store.request('POST', '/customers', acme(2)))
      const updated = await answeredSoon('PUT /customers', store.request('PUT', '/customers', [{ id: first, company: 'Acme', notes: 'changed' }]))
      const deleted = await answeredSoon('DELETE /customers', store.request('DELETE', `/customers?id:in=${second}`))
      // The open transaction's customers are not there yet; the committed writes are.
      expect(await total('&company:in=Acme')).toBe(3 + 2 - 1)
      return { created, updated, deleted }
    })
    expect([result.created.status, result.updated.status, result.deleted.status]).toEqual([200, 200, 204])
    const createdIds = result.created.body.data.map((c: { id: number }) => c.id) as number[]

    // The held create reserved its ids first; the create made meanwhile got the next ones.
    expect(Math.min(...createdIds)).toBeGreaterThan(Math.max(...heldIds))
    const ids = (await t.db.selectFrom('customers').select('id').where('store_id', '=', storeId).orderBy('id').execute()).map((row) => row.id)
    expect(ids).toEqual([...seeded.body.data.map((c: { id: number }) => c.id).filter((id: number) => id !== second), ...heldIds, ...createdIds].sort((a, b) => a - b))
    expect(await total()).toBe(3 + 2 + 2 - 1)
    expect(await total('&company:in=Acme')).toBe(3 + 2 + 2 - 1)
  })

  it('leaves a gap for the ids of a create that rolls back, and never hands an id out twice', async () => {
    const before = await total()
    const { heldIds, result } = await whileCreateIsOpen(acme(3), () => answeredSoon('POST /customers', store.request('POST', '/customers', acme(1))), true)
    expect(result.status).toBe(200)
    const after = await store.request('POST', '/customers', acme(1))
    const later = [result.body.data[0].id, after.body.data[0].id] as number[]
    for (const id of later) expect(id).toBeGreaterThan(Math.max(...heldIds))
    expect(later[1]).toBeGreaterThan(later[0]!)
    const rows = await t.db.selectFrom('customers').select('id').where('store_id', '=', storeId).where('id', 'in', heldIds).execute()
    expect(rows).toEqual([])
    expect(await total()).toBe(before + 2)
    expect(await readCounter(t.db, storeId, 'customers.last_id')).toBe(later[1])
  })

  it('keeps the totals and ids right under many concurrent creates and deletes', async () => {
    const before = await total()
    const creates = await Promise.all(Array.from({ length: 12 }, () => store.request('POST', '/customers', acme(5))))
    expect(creates.map((res) => res.status)).toEqual(Array(12).fill(200))
    const ids = creates.flatMap((res) => res.body.data.map((c: { id: number }) => c.id) as number[])
    expect(new Set(ids).size).toBe(60)
    const deletes = await Promise.all(Array.from({ length: 6 }, (_, i) => store.request('DELETE', `/customers?id:in=${ids.slice(i * 5, i * 5 + 3).join(',')}`)))
    expect(deletes.map((res) => res.status)).toEqual(Array(6).fill(204))
    expect(await total()).toBe(before + 60 - 18)
    const rows = await t.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('store_id', '=', storeId).executeTakeFirstOrThrow()
    expect(Number(rows.n)).toBe(before + 60 - 18)
    // The count and write version are spread over rows: more than one slot took writes.
    const slots = await t.db.selectFrom('store_counters').select('slot').where('store_id', '=', storeId).where('name', '=', 'customers.writes').execute()
    expect(slots.length).toBeGreaterThan(1)
  })
})
