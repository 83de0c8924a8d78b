import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, newCustomer, send, type Response, type TestApp, type TestStore } from './helpers/app.js'

// A channel deletion racing customer writes that put customers in that channel: the deletion
// counts the channel's customers and the writes check that the channel exists, so without the
// channel-membership lock (stores/channels.ts) a write could commit into a channel deleted
// meanwhile. Each round adds a channel, then sends its DELETE and five writes naming it at once,
// spread over two app instances; on PostgreSQL each has its own pool, so the transactions truly
// overlap. Either the deletion wins (204, every write 422) or the writes do (409, every write
// 200), and afterwards no customer names a channel that is gone.

const ROUNDS = 100
const SEEDED = 20

interface Round {
  channel: number
  deletion: Response
  writes: { what: string; res: Response }[]
}

/** Somewhere from at once to a few milliseconds later, so that either side may start first. */
function jitter(): Promise<void> {
  const r = Math.random()
  if (r < 0.25) return Promise.resolve()
  if (r < 0.5) return new Promise((resolve) => setImmediate(resolve))
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)))
}

describe.each(BACKENDS)('%s: deleting a channel while customers are written into it', (backend) => {
  let nodes: TestApp[]
  let store: TestStore

  beforeAll(async () => {
    const first = await buildTestApp(backend)
    // SQLite: one in-memory database, so the second node shares it; PostgreSQL: a pool of its own.
    const second = await buildTestApp(backend, backend === 'sqlite' ? { db: first.db } : {})
    nodes = [first, second]
    store = await first.newStore()
  })
  afterAll(async () => {
    await nodes[1]?.close()
    await nodes[0]?.close()
  })

  const api = (node: number, method: string, path: string, body?: unknown) =>
    send(nodes[node]!.app, method, `/stores/${store.hash}/v3${path}`, body, { accept: 'application/json', 'x-auth-token': store.token })
  const storeAdmin = (node: number, method: string, path: string, body?: unknown) => admin(nodes[node]!, method, `/stores/${store.hash}${path}`, body)

  it(`never leaves a customer in a deleted channel, over ${ROUNDS} rounds`, async () => {
    const ids: number[] = []
    for (let i = 0; i < SEEDED; i += 10) {
      const seeded = await api(0, 'POST', '/customers', Array.from({ length: 10 }, () => newCustomer()))
      expect(seeded.status).toBe(200)
      ids.push(...seeded.body.data.map((c: { id: number }) => c.id))
    }

    const rounds: Round[] = []
    for (let r = 0; r < ROUNDS; r++) {
      // A fresh id each round: a deleted channel's id given out again would adopt its leftover customers.
      const ch = 2 + r
      expect((await storeAdmin(r % 2, 'POST', '/channels', { id: ch, name: `Race ${r}` })).status).toBe(200)
      // Two PUTs per round at most: PUT /customers allows 3 at once per store.
      const writes: [string, string, unknown][] = [
        ['POST channel_ids', 'POST', [newCustomer({ channel_ids: [ch] })]],
        ['POST origin_channel_id', 'POST', [newCustomer({ origin_channel_id: ch })]],
        ['POST both', 'POST', [newCustomer({ origin_channel_id: ch, channel_ids: [1, ch] })]],
        ['PUT channel_ids', 'PUT', [{ id: ids[(2 * r) % SEEDED], channel_ids: [ch] }]],
        ['PUT channel_ids with 1', 'PUT', [{ id: ids[(2 * r + 1) % SEEDED], channel_ids: [1, ch] }]],
      ]
      const [deletion, ...answers] = await Promise.all([
        jitter().then(() => storeAdmin(r % 2, 'DELETE', `/channels/${ch}`)),
        ...writes.map(([, method, body], i) => jitter().then(() => api((r + i + 1) % 2, method, '/customers', body))),
      ])
      rounds.push({ channel: ch, deletion: deletion!, writes: writes.map(([what], i) => ({ what, res: answers[i]! })) })
    }

    // Every answer is a success or the documented refusal, never a 5xx.
    const unexpected = rounds.flatMap((round) => [
      ...([204, 409].includes(round.deletion.status) ? [] : [{ channel: round.channel, what: 'DELETE', status: round.deletion.status, body: round.deletion.text }]),
      ...round.writes
        .filter((w) => ![200, 422].includes(w.res.status))
        .map((w) => ({ channel: round.channel, what: w.what, status: w.res.status, body: w.res.text })),
    ])
    expect(unexpected).toEqual([])
    for (const round of rounds) {
      if (round.deletion.status === 409) expect(round.deletion.text).toMatch(`channel ${round.channel} is used by`)
      for (const w of round.writes.filter((w) => w.res.status === 422)) {
        expect(Object.values(w.res.body.errors)).toEqual([`channel ${round.channel} does not exist`])
      }
    }

    // The channel exists for every write or for none: a deletion that won lets no write through.
    const split = rounds
      .filter((round) => round.writes.some((w) => w.res.status !== (round.deletion.status === 204 ? 422 : 200)))
      .map((round) => ({ channel: round.channel, deletion: round.deletion.status, writes: round.writes.map((w) => `${w.what}: ${w.res.status}`) }))

    // Read back: every channel a customer names still exists.
    const channels = await storeAdmin(0, 'GET', '/channels')
    expect(channels.status).toBe(200)
    const existing = new Set<number>(channels.body.data.map((c: { id: number }) => c.id))
    const customers: { id: number; origin_channel_id: number; channel_ids: number[] | null }[] = []
    for (let page = 1; ; page++) {
      const res = await api(1, 'GET', `/customers?limit=250&page=${page}`)
      expect(res.status).toBe(200)
      customers.push(...res.body.data)
      if (res.body.data.length < 250) break
    }
    const orphansOf = (rows: typeof customers) =>
      rows.flatMap((c) => [c.origin_channel_id, ...(c.channel_ids ?? [])].filter((id) => !existing.has(id)).map((channel) => ({ customer: c.id, channel })))
    const orphans = orphansOf(customers)
    // And the rows themselves, in case the API answered something other than what is stored.
    const rows = await nodes[0]!.db
      .selectFrom('customers')
      .innerJoin('stores', 'stores.id', 'customers.store_id')
      .select(['customers.id', 'customers.origin_channel_id', 'customers.channel_ids'])
      .where('stores.hash', '=', store.hash)
      .execute()
    expect(rows.length).toBe(customers.length)
    const storedOrphans = orphansOf(rows.map((row) => ({ ...row, channel_ids: row.channel_ids === null ? null : JSON.parse(row.channel_ids) })))

    const deletionWon = rounds.filter((round) => round.deletion.status === 204).length
    const writesWon = rounds.filter((round) => round.deletion.status === 409).length
    console.log(
      `${backend}: ${ROUNDS} rounds: deletion won ${deletionWon}, writes won ${writesWon}; ` +
        `${split.length} rounds where the writes disagree with the deletion, ${orphans.length} customer references to deleted channels`,
    )
    expect(orphans).toEqual([])
    expect(storedOrphans).toEqual([])
    expect(split).toEqual([])
    // Both outcomes, or the two sides did not race.
    expect(deletionWon).toBeGreaterThan(0)
    expect(writesWon).toBeGreaterThan(0)
  })
})
