import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, newCustomer, type TestApp, type TestStore } from './helpers/app.js'

// Pages of a date-filtered list in id order (docs/QUERY-PLANS.md "Date ranges in id order"):
// found either from the date index and a sort, or by walking the ids from the first match, as
// the list's extent says is cheaper. Whichever is taken, every page, cursor and total must be
// what the filter means: the ids whose dates match, ascending. The dates here run against the
// ids (later customers made earlier), with and without a pattern, so neither way can lean on
// dates growing with ids.

const COUNT = 60
const DAY = 86_400_000
const START = Date.parse('2024-03-01T00:00:00Z')

/** Day offsets per customer in creation order: a shuffle (fixed) mixing runs with and against the ids. */
function dayOffsets(): number[] {
  const days: number[] = []
  for (let i = 0; i < COUNT; i++) days.push(i < 20 ? COUNT - i : (i * 37) % COUNT)
  return days
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

describe.each(BACKENDS)('%s: date-filtered pages in id order', (backend) => {
  let t: TestApp
  let store: TestStore
  /** id -> date_created, as the API answers it */
  const created = new Map<number, string>()

  beforeAll(async () => {
    t = await buildTestApp(backend)
    store = await t.newStore()
    for (const day of dayOffsets()) {
      t.clock.set(iso(START + day * DAY))
      const res = await store.request('POST', '/customers', [newCustomer()])
      expect(res.status).toBe(200)
      created.set(res.body.data[0].id, res.body.data[0].date_created)
    }
  })
  afterAll(() => t.close())

  /** What the filter means: the ids whose date_created passes `keep`, ascending. */
  const expected = (keep: (date: number) => boolean) =>
    [...created].filter(([, date]) => keep(Date.parse(date))).map(([id]) => id).sort((a, b) => a - b)

  async function everyPage(filter: string, limit: number): Promise<{ ids: number[]; totals: number[] }> {
    const ids: number[] = []
    const totals: number[] = []
    for (let page = 1; ; page++) {
      const res = await store.request('GET', `/customers?${filter}&limit=${limit}&page=${page}`)
      expect(res.status).toBe(200)
      ids.push(...res.body.data.map((c: { id: number }) => c.id))
      totals.push(res.body.meta.pagination.total)
      if (page >= res.body.meta.pagination.total_pages) return { ids, totals }
    }
  }

  async function everyCursorPage(filter: string, limit: number): Promise<number[]> {
    const ids: number[] = []
    let after: string | undefined
    for (;;) {
      const res = await store.request('GET', `/customers?${filter}&limit=${limit}${after ? `&after=${after}` : ''}`)
      expect(res.status).toBe(200)
      ids.push(...res.body.data.map((c: { id: number }) => c.id))
      const next = res.body.meta.cursor_pagination?.end_cursor
      if (res.body.data.length < limit || !res.body.meta.cursor_pagination?.links?.next) return ids
      after = next
    }
  }

  const middle = START + 30 * DAY
  const cases: [string, string, (d: number) => boolean][] = [
    // Most of the store: the walk is the cheaper way for the first pages.
    ['date_created:min, most of the store', `date_created:min=${iso(START + 5 * DAY)}`, (d) => d >= START + 5 * DAY],
    ['date_created:max, half the store', `date_created:max=${iso(middle)}`, (d) => d <= middle],
    ['date_created:min and :max', `date_created:min=${iso(START + 10 * DAY)}&date_created:max=${iso(START + 50 * DAY)}`, (d) => d >= START + 10 * DAY && d <= START + 50 * DAY],
    // A few: the date index.
    ['date_created:min, a few', `date_created:min=${iso(START + 58 * DAY)}`, (d) => d >= START + 58 * DAY],
    ['date_created on one day', `date_created=${iso(START + 7 * DAY).slice(0, 10)}`, (d) => d >= START + 7 * DAY && d < START + 8 * DAY],
    ['none', `date_created:min=${iso(START + 400 * DAY)}`, () => false],
  ]

  it.each(cases)('%s: every page, in id order, with the total', async (_, filter, keep) => {
    const want = expected(keep)
    for (const limit of [1, 7, 50]) {
      const { ids, totals } = await everyPage(filter, limit)
      expect(ids, `limit ${limit}`).toEqual(want)
      expect(new Set(totals)).toEqual(new Set([want.length]))
    }
  })

  it.each(cases)('%s: every cursor page', async (_, filter, keep) => {
    expect(await everyCursorPage(filter, 7)).toEqual(expected(keep))
  })

  it('a write between two reads is seen at once: the new customer, the new total', async () => {
    const filter = `date_created:min=${iso(START + 5 * DAY)}`
    const before = await everyPage(filter, 50)
    t.clock.set(iso(START + 45 * DAY))
    const made = (await store.request('POST', '/customers', [newCustomer()])).body.data[0]
    created.set(made.id, made.date_created)
    const after = await everyPage(filter, 50)
    expect(after.ids).toEqual([...before.ids, made.id])
    expect(after.totals).toEqual([before.totals[0]! + 1, ...after.totals.slice(1)])
    // And gone again after a delete.
    expect((await store.request('DELETE', `/customers?id:in=${made.id}`)).status).toBe(204)
    created.delete(made.id)
    expect((await everyPage(filter, 50)).ids).toEqual(before.ids)
  })

  it('with includes, and with another filter, the same customers', async () => {
    const filter = `date_created:min=${iso(START + 5 * DAY)}`
    const want = expected((d) => d >= START + 5 * DAY)
    const res = await store.request('GET', `/customers?${filter}&include=addresses,attributes&limit=50`)
    expect(res.body.data.map((c: { id: number }) => c.id)).toEqual(want.slice(0, 50))
    const some = want.slice(3, 9)
    const narrowed = await store.request('GET', `/customers?${filter}&id:in=${[...some, 1_000_000].join(',')}`)
    expect(narrowed.body.data.map((c: { id: number }) => c.id)).toEqual(some)
    expect(narrowed.body.meta.pagination.total).toBe(some.length)
  })
})
