import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_SCOPES } from '../../src/core/scopes.js'
import { readCounter } from '../../src/db/counters.js'
import type { Database } from '../../src/db/schema.js'
import { setRateLimit } from '../../src/stores/rate-limits.js'
import { createAccount, createStore } from '../../src/stores/service.js'
import { errorBody } from '../helpers/app.js'
import { BACKENDS } from '../helpers/backends.js'
import { processDatabase, type ProcessDatabase } from '../helpers/process.js'
import { testPrefix, testRedisUrl } from '../helpers/redis.js'
import { call, keepAliveAgent, startNode, type Answer, type Node } from './nodes.js'
import { closingLine } from './report.js'

// Races: two `clientele serve` nodes on one PostgreSQL database (and one Redis) behave as one
// server. 1,000 creates sent at once in duplicate-email pairs, one of each pair to each node:
// exactly one of each pair is created, and ids are unique and consecutive. Then email changes
// racing for one address, and a 150-request quota counted across both nodes through Redis.
// PostgreSQL only: it is the database several nodes share (SQLite is one process's file).

const PAIRS = 500
const SWAPS = 100
const STORE = 'races'
const redisUrl = await testRedisUrl()

const inUse = (email: string) =>
  errorBody(422, 'Create customers failed.', { '.customer_create': `Error creating customers: email ${email} already in use` })
const updateInUse = (email: string) =>
  errorBody(422, 'Update customers failed.', { '.customer_update': `Error updating customers: email ${email} already in use` })

function answered(outcome: Awaited<ReturnType<typeof call>>): Answer {
  if (outcome === 'cut') throw new Error('a node cut a connection')
  return outcome
}

describe.runIf(BACKENDS.includes('postgres'))('postgres: two nodes, one database', () => {
  let database: ProcessDatabase
  let db: Kysely<Database>
  let token: string
  let storeId: number
  let nodes: Node[] = []
  const agent = keepAliveAgent(128)
  const tally = { creates: 0, created: 0, refused: 0, swaps: 0, quotaRequests: 0 }

  beforeAll(async () => {
    database = await processDatabase('postgres')
    db = await database.open()
    await createStore(db, STORE)
    token = (await createAccount(db, { storeHash: STORE, scopes: ALL_SCOPES })).access_token
    storeId = (await db.selectFrom('stores').select('id').where('hash', '=', STORE).executeTakeFirstOrThrow()).id
    const env = { ...database.env, ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: testPrefix() } : {}) }
    nodes = await Promise.all([startNode(env), startNode(env)])
  })
  afterAll(async () => {
    agent.destroy()
    await Promise.all(nodes.map((node) => node.server.stop()))
    await database.remove()
    closingLine(
      `races (postgres, 2 nodes): ${tally.creates} concurrent creates in ${tally.creates / 2} duplicate-email pairs -> ` +
        `${tally.created} created, ${tally.refused} refused, ids unique; ${tally.swaps} racing email changes in pairs -> one winner each; ` +
        `quota of 150 across nodes: ${tally.quotaRequests === 0 ? 'skipped (no Redis)' : `${tally.quotaRequests} requests, exactly 150 let through`}`,
    )
  })

  const send = (node: Node, method: string, path: string, body?: unknown) => call(agent, node.origin, method, `/stores/${STORE}/v3${path}`, token, body).then(answered)

  it(`creates exactly one customer of each of ${PAIRS} duplicate-email pairs sent at once to both nodes`, async () => {
    const emails = Array.from({ length: PAIRS }, (_, i) => `pair${i}@races.test`)
    const requests = emails.flatMap((email, i) =>
      [0, 1].map((n) => ({ email, node: nodes[(i + n) % 2]!, body: [{ email, first_name: 'Race', last_name: `Node ${n}` }] })),
    )
    const answers = await Promise.all(requests.map((r) => send(r.node, 'POST', '/customers', r.body)))

    for (let i = 0; i < PAIRS; i++) {
      const pair = [answers[2 * i]!, answers[2 * i + 1]!]
      const statuses = pair.map((a) => a.status).sort()
      expect({ email: emails[i], statuses }).toEqual({ email: emails[i], statuses: [200, 422] })
      expect(pair.find((a) => a.status === 422)!.body).toEqual(inUse(emails[i]!))
    }

    const rows = await db.selectFrom('customers').select(['id', 'email']).where('store_id', '=', storeId).orderBy('id').execute()
    expect(rows.map((r) => r.email).sort()).toEqual([...emails].sort())
    // Ids are reserved apart from the write (COMPATIBILITY.md "Customer ids"): a refused create
    // leaves a gap, and no id is handed out twice.
    const ids = rows.map((r) => r.id)
    expect(new Set(ids).size).toBe(PAIRS)
    const answeredIds = answers.filter((a) => a.status === 200).map((a) => a.body.data[0].id as number)
    expect(answeredIds.sort((a, b) => a - b)).toEqual(ids)
    expect(await readCounter(db, storeId, 'customers.count')).toBe(PAIRS)
    expect(await readCounter(db, storeId, 'customers.last_id')).toBeGreaterThanOrEqual(ids.at(-1)!)
    expect(await readCounter(db, storeId, 'customers.last_id')).toBeLessThanOrEqual(2 * PAIRS)
    tally.creates = answers.length
    tally.created = answers.filter((a) => a.status === 200).length
    tally.refused = answers.filter((a) => a.status === 422).length
  })

  it(`lets exactly one of two customers take an email when both nodes are asked at once, ${SWAPS} times`, async () => {
    const ids = (await db.selectFrom('customers').select('id').where('store_id', '=', storeId).orderBy('id').limit(2 * SWAPS).execute()).map((r) => r.id)
    const targets = Array.from({ length: SWAPS }, (_, i) => `taken${i}@races.test`)
    // One pair at a time: PUT /customers allows 3 concurrent requests per store (BEHAVIOUR 10),
    // counted across both nodes, so more pairs at once would be refused 429 by design.
    for (let i = 0; i < SWAPS; i++) {
      const pair = await Promise.all([
        send(nodes[0]!, 'PUT', '/customers', [{ id: ids[2 * i], email: targets[i] }]),
        send(nodes[1]!, 'PUT', '/customers', [{ id: ids[2 * i + 1], email: targets[i] }]),
      ])
      expect(pair.map((a) => a.status).sort()).toEqual([200, 422])
      expect(pair.find((a) => a.status === 422)!.body).toEqual(updateInUse(targets[i]!))
      tally.swaps += 2
    }
    const holders = await db
      .selectFrom('customers')
      .select(['email_key', (eb) => eb.fn.countAll<number>().as('n')])
      .where('store_id', '=', storeId)
      .where('email_key', 'like', 'taken%')
      .groupBy('email_key')
      .execute()
    expect(holders.map((h) => [h.email_key, Number(h.n)]).sort()).toEqual(targets.map((t) => [t, 1]).sort())
  })

  it('keeps the database free of duplicate emails and ids', async () => {
    const duplicates = await sql<{ n: number }>`
      select count(*) as n from (
        select email_key from customers where store_id = ${storeId} group by email_key having count(*) > 1
        union all
        select cast(id as text) from customers where store_id = ${storeId} group by id having count(*) > 1
      ) as d`.execute(db)
    expect(Number(duplicates.rows[0]!.n)).toBe(0)
  })

  it.runIf(redisUrl)('lets exactly 150 of 200 requests through a 150-per-30 s quota, spread over both nodes', async () => {
    await setRateLimit(db, STORE, { quota: 150, windowMs: 30_000 })
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => send(nodes[i % 2]!, 'GET', '/customers?limit=1')))
    const ok = answers.filter((a) => a.status === 200)
    const refused = answers.filter((a) => a.status === 429)
    expect([ok.length, refused.length]).toEqual([150, 50])
    expect(ok.map((a) => Number(a.headers['x-rate-limit-requests-left'])).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i))
    for (const a of refused) {
      expect(a.body).toEqual(errorBody(429, 'Too many requests'))
      expect(a.headers['x-rate-limit-requests-quota']).toBe('150')
      expect(a.headers['x-rate-limit-requests-left']).toBe('0')
      expect(a.headers['x-rate-limit-time-window-ms']).toBe('30000')
      expect(Number(a.headers['x-retry-after'])).toBeGreaterThanOrEqual(1)
    }
    tally.quotaRequests = answers.length
  })
})
