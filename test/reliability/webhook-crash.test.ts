import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_SCOPES } from '../../src/core/scopes.js'
import type { Database } from '../../src/db/schema.js'
import { createAccount, createStore } from '../../src/stores/service.js'
import { queueStats } from '../../src/webhooks/queries.js'
import { BACKENDS, type Backend } from '../helpers/backends.js'
import { processDatabase, type ProcessDatabase } from '../helpers/process.js'
import { call, keepAliveAgent, startNode, type Node } from './nodes.js'
import { random } from './random.js'
import { Receiver } from './receiver.js'
import { closingLine } from './report.js'

// Webhook crash: `clientele serve` writing customers (POST batches, some PUTs and DELETEs) while
// its delivery worker sends their events to one `store/customer/*` hook is killed with SIGKILL at
// a random moment, again and again; the receiver fails some attempts with a 500 so retries are
// in flight too. At the end one more server drains the queue. Then: every change the database
// holds (each acknowledged one, and each cut one that committed: wholly, never in part) had its
// events delivered, with one hash per change; no event arrived for a change the database does
// not hold; every repeated delivery is a retry of the same event (same hash, same webhook-id,
// same bytes). The two backends run side by side. WEBHOOK_CRASH_CYCLES, WEBHOOK_CRASH_SEED and
// WEBHOOK_CRASH_FAIL_RATE change the count, the kill times and the share of attempts refused.
//
// As in crash.test.ts, the next server starts while the current one writes, on the same database:
// its worker delivers beside the current one's until the current one dies. A delivery in flight
// at the kill stays leased (WEBHOOK_TIMEOUT_MS + 30 s) and is sent again by a later server.

const CYCLES = Number(process.env.WEBHOOK_CRASH_CYCLES ?? 30)
const SEED = Number(process.env.WEBHOOK_CRASH_SEED ?? 20261124)
/**
 * Well under 10%: the denylist (src/webhooks/denylist.ts, not configurable in `serve`) blocks the
 * receiver's domain for 3 minutes once 10% of 100+ attempts in 2 minutes fail, and the drain would wait for it.
 */
const FAIL_RATE = Number(process.env.WEBHOOK_CRASH_FAIL_RATE ?? 0.03)
const WRITERS = 2
const BATCH = 10
/** customers one PUT or DELETE names */
const TOUCH = 4
/** how long the server writes before it is killed: about as long as the next one takes to start, at most */
const KILL_AFTER_MS = { min: 100, max: 1500 }
/** Long enough that no delivery runs out of retries (FAIL_RATE ** 41 is nil): the hook stays active. */
const RETRY_SCHEDULE = Array.from({ length: 40 }, () => '0.2').join(',')
const WORKER_ENV = {
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
  WEBHOOK_MAX_PER_ORIGIN: '8',
}
/** a lease of a killed server's attempt lapses after WEBHOOK_TIMEOUT_MS + 30 s; then it is sent again */
const DRAIN_TIMEOUT_MS = 120_000
const TIMEOUT_MS = 15 * 60_000
const STORE = 'whcrash'
const DOMAIN = '@whcrash.test'
const SCOPES = ['store/customer/created', 'store/customer/updated', 'store/customer/deleted'] as const

interface Op {
  /** `w3o12`: cycle 3, op 12 (no `i` in it: emails are `<op>i<n>@...`) */
  id: string
  kind: 'create' | 'update' | 'delete'
  state: 'sent' | 'acknowledged' | 'cut'
  /** create: the ids answered (acknowledged); update, delete: the customers named */
  ids: number[]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const batchOf = (email: string) => email.slice(0, email.indexOf('i'))
const key = (scope: string, id: number) => `${scope} ${id}`

describe.concurrent.each(BACKENDS)('%s: SIGKILL while writing and delivering webhooks', (backend: Backend) => {
  let database: ProcessDatabase
  let db: Kysely<Database>
  let token: string
  let storeId: number
  let receiver: Receiver
  let hookId: number
  let node: Node | undefined
  let standby: Promise<Node> | undefined
  const env = () => ({ ...database.env, ...WORKER_ENV })

  beforeAll(async () => {
    database = await processDatabase(backend)
    db = await database.open()
    await createStore(db, STORE)
    const account = await createAccount(db, { storeHash: STORE, scopes: ALL_SCOPES })
    token = account.access_token
    storeId = (await db.selectFrom('stores').select('id').where('hash', '=', STORE).executeTakeFirstOrThrow()).id
    const failures = random(SEED + 1)
    receiver = await new Receiver(account.client_secret, () => ({ status: failures() < FAIL_RATE ? 500 : 200 })).start()
  })
  afterAll(async () => {
    node?.server.child.kill('SIGKILL')
    ;(await standby?.catch(() => undefined))?.server.child.kill('SIGKILL')
    await receiver?.close()
    await database.remove()
  })

  /** Writes from WRITERS connections until the server dies; every op sent, with its fate. */
  async function writeUntilKilled(cycle: number, target: Node, killAfterMs: number, pool: number[], next: () => number): Promise<Op[]> {
    const { origin, server } = target
    const agent = keepAliveAgent(WRITERS)
    const ops: Op[] = []
    let writing = true
    const writer = async () => {
      while (writing) {
        const roll = next()
        const kind: Op['kind'] = pool.length < TOUCH || roll < 0.7 ? 'create' : roll < 0.85 ? 'update' : 'delete'
        // Each customer is updated or deleted at most once, so the database tells whether a cut op committed.
        const op: Op = { id: `w${cycle}o${ops.length}`, kind, state: 'sent', ids: kind === 'create' ? [] : pool.splice(0, TOUCH) }
        ops.push(op)
        const outcome =
          kind === 'create'
            ? await call(agent, origin, 'POST', `/stores/${STORE}/v3/customers`, token,
                Array.from({ length: BATCH }, (_, i) => ({ email: `${op.id}i${i}${DOMAIN}`, first_name: 'Hook', last_name: op.id })))
            : kind === 'update'
              ? await call(agent, origin, 'PUT', `/stores/${STORE}/v3/customers`, token, op.ids.map((id) => ({ id, last_name: op.id })))
              : await call(agent, origin, 'DELETE', `/stores/${STORE}/v3/customers?id:in=${op.ids.join(',')}`, token)
        if (outcome === 'cut') {
          op.state = 'cut'
          return
        }
        const expected = kind === 'delete' ? 204 : 200
        if (outcome.status !== expected) throw new Error(`${op.kind} ${op.id}: ${outcome.status} ${JSON.stringify(outcome.body)}`)
        op.state = 'acknowledged'
        if (kind === 'create') {
          op.ids = outcome.body.data.map((c: { id: number }) => c.id)
          pool.push(...op.ids)
        }
      }
    }
    const writers = Array.from({ length: WRITERS }, writer)
    await sleep(killAfterMs)
    server.child.kill('SIGKILL')
    writing = false
    await Promise.all(writers)
    await server.exited
    agent.destroy()
    return ops
  }

  async function drained(): Promise<boolean> {
    const stats = await queueStats(db)
    return stats.pendingDeliveries === 0 && stats.undispatchedEvents === 0
  }

  it(`delivers the events of every committed change, and only those, over ${CYCLES} kills`, async () => {
    const next = random(SEED)
    const ops: Op[] = []
    /** acknowledged customers from earlier ops, not yet named by a PUT or DELETE */
    const pool: number[] = []

    // The first server makes the hook, through the API.
    standby = startNode(env())
    const first = await standby
    const agent = keepAliveAgent(1)
    const made = await call(agent, first.origin, 'POST', `/stores/${STORE}/v3/hooks`, token, { scope: 'store/customer/*', destination: receiver.url, is_active: true })
    agent.destroy()
    if (made === 'cut' || made.status !== 200) throw new Error(`creating the hook: ${JSON.stringify(made === 'cut' ? made : made.body)}`)
    hookId = made.body.data.id

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const current = await standby!
      node = current
      standby = startNode(env())
      ops.push(...(await writeUntilKilled(cycle, current, KILL_AFTER_MS.min + next() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min), pool, next)))
      node = undefined
    }

    // The last server drains the queue: the leases of the last kills lapse, and what they held goes again.
    node = await standby!
    standby = undefined
    // The last server reports its worker's errors, shown if the queue does not drain.
    const last = await startNode({ ...env(), LOG_LEVEL: 'error' })
    await node.server.stop()
    node = last
    const drainStart = Date.now()
    while (!(await drained())) {
      if (Date.now() - drainStart > DRAIN_TIMEOUT_MS) {
        const now = Date.now()
        const pending = await db.selectFrom('webhook_deliveries').selectAll().where('status', '=', 'pending').limit(5).execute()
        throw new Error(
          `queue not drained: ${JSON.stringify(await queueStats(db))} at ${now}; pending: ${JSON.stringify(pending)}\n` +
            `server output:\n${last.server.stdout().slice(-4000)}\n${last.server.stderr().slice(-4000)}`,
        )
      }
      await sleep(100)
    }
    const drainMs = Date.now() - drainStart
    await node.server.stop()
    node = undefined

    // What the database holds.
    const rows = await db.selectFrom('customers').select(['id', 'email', 'last_name']).where('store_id', '=', storeId).where('email', 'like', `%${DOMAIN}`).execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    const byBatch = new Map<string, number[]>()
    for (const row of rows) byBatch.set(batchOf(row.email), [...(byBatch.get(batchOf(row.email)) ?? []), row.id])

    // Which changes committed: wholly or not at all, and every acknowledged one.
    const expected = new Map<string, string>() // event key -> op id
    const tally = { acknowledged: 0, cutCommitted: 0, cutAbsent: 0 }
    const deletedIds = new Set<number>()
    for (const op of ops.filter((o) => o.kind === 'delete')) {
      const present = op.ids.filter((id) => byId.has(id)).length
      expect({ op: op.id, state: op.state, present }).toEqual({ op: op.id, state: op.state, present: op.state === 'acknowledged' || present === 0 ? 0 : op.ids.length })
      if (present === 0) {
        for (const id of op.ids) {
          deletedIds.add(id)
          expected.set(key('store/customer/deleted', id), op.id)
        }
      }
    }
    for (const op of ops) {
      if (op.kind === 'create') {
        const stored = (byBatch.get(op.id) ?? []).sort((a, b) => a - b)
        if (op.state === 'acknowledged') {
          expect({ op: op.id, stored }).toEqual({ op: op.id, stored: op.ids.filter((id) => !deletedIds.has(id)).sort((a, b) => a - b) })
        } else {
          expect({ op: op.id, state: op.state, rows: stored.length }).toEqual({ op: op.id, state: op.state, rows: stored.length === 0 ? 0 : BATCH })
          op.ids = stored
        }
        for (const id of op.ids) expected.set(key('store/customer/created', id), op.id)
      } else if (op.kind === 'update') {
        const marked = op.ids.filter((id) => byId.get(id)?.last_name === op.id).length
        expect({ op: op.id, state: op.state, marked }).toEqual({ op: op.id, state: op.state, marked: op.state === 'acknowledged' || marked > 0 ? op.ids.length : 0 })
        if (marked > 0) for (const id of op.ids) expected.set(key('store/customer/updated', id), op.id)
      }
      if (op.state === 'acknowledged') tally.acknowledged++
      else if (op.kind === 'create' ? op.ids.length > 0 : expected.has(key(op.kind === 'update' ? 'store/customer/updated' : 'store/customer/deleted', op.ids[0]!))) tally.cutCommitted++
      else tally.cutAbsent++
    }

    // The outbox holds exactly those events, each dispatched and delivered to the hook once.
    const events = await db.selectFrom('webhook_events').select(['id', 'scope', 'data', 'hash', 'dispatched']).where('store_id', '=', storeId).execute()
    const outbox = new Map(events.map((e) => [key(e.scope, (JSON.parse(e.data) as { id: number }).id), e]))
    expect(events.length).toBe(outbox.size)
    expect([...outbox.keys()].sort()).toEqual([...expected.keys()].sort())
    const deliveries = await db.selectFrom('webhook_deliveries').select(['event_id', 'hook_id', 'status']).where('store_id', '=', storeId).execute()
    expect(deliveries.length).toBe(events.length)
    expect(new Set(deliveries.map((d) => d.event_id)).size).toBe(events.length)
    expect(deliveries.filter((d) => d.status !== 'delivered' || d.hook_id !== hookId)).toEqual([])
    const hook = await db.selectFrom('webhooks').select('status').where('id', '=', hookId).executeTakeFirstOrThrow()
    expect(hook.status).toBe('active')

    // What arrived: signed, one hash and one webhook-id per change, the same bytes in every attempt.
    expect(receiver.deliveries.filter((d) => !d.signed).length).toBe(0)
    expect(receiver.deliveries.filter((d) => !(SCOPES as readonly string[]).includes(d.scope)).map((d) => d.scope)).toEqual([])
    const arrived = new Map<string, { hashes: Set<string>; ids: Set<string>; bodies: Set<string>; accepted: number }>()
    for (const d of receiver.deliveries) {
      const k = key(d.scope, d.id)
      const seen = arrived.get(k) ?? { hashes: new Set(), ids: new Set(), bodies: new Set(), accepted: 0 }
      seen.hashes.add(d.hash)
      seen.ids.add(d.webhookId)
      seen.bodies.add(d.body)
      if (d.status === 200) seen.accepted++
      arrived.set(k, seen)
    }
    const forAbsent = [...arrived.keys()].filter((k) => !expected.has(k))
    expect(forAbsent).toEqual([])
    const lost = [...expected.keys()].filter((k) => (arrived.get(k)?.accepted ?? 0) === 0)
    expect(lost).toEqual([])
    const split = [...arrived].filter(([, seen]) => seen.hashes.size !== 1 || seen.ids.size !== 1 || seen.bodies.size !== 1)
    expect(split.map(([k]) => k)).toEqual([])
    for (const [k, seen] of arrived) {
      const hash = outbox.get(k)!.hash
      expect({ k, hashes: [...seen.hashes], ids: [...seen.ids] }).toEqual({ k, hashes: [hash], ids: [`${hash}-${hookId}`] })
    }

    const accepted = receiver.accepted().length
    const duplicates = accepted - expected.size
    const refused = receiver.deliveries.length - accepted
    closingLine(
      `webhook crash (${backend}): ${CYCLES} cycles killed with SIGKILL while writing and delivering; ${ops.length} writes ` +
        `(${tally.acknowledged} acknowledged, ${tally.cutCommitted} cut and committed whole, ${tally.cutAbsent} cut and absent, 0 in part); ` +
        `${expected.size} events committed, all ${expected.size} delivered, ${duplicates} duplicate deliveries (retries of the same hash), ` +
        `${refused} attempts refused 500 and retried, 0 lost, 0 for absent changes; drained ${(drainMs / 1000).toFixed(1)} s after the last kill (seed ${SEED})`,
    )
  }, TIMEOUT_MS)
})
