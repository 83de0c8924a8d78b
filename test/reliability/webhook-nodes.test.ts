import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_SCOPES } from '../../src/core/scopes.js'
import type { Database } from '../../src/db/schema.js'
import { createAccount, createStore } from '../../src/stores/service.js'
import { queueStats } from '../../src/webhooks/queries.js'
import { BACKENDS } from '../helpers/backends.js'
import { processDatabase, type ProcessDatabase } from '../helpers/process.js'
import { call, keepAliveAgent, startNode, type Answer, type Node } from './nodes.js'
import { random } from './random.js'
import { Receiver } from './receiver.js'
import { closingLine } from './report.js'

// Webhook nodes: two `clientele serve` nodes on one PostgreSQL database share one hook's
// deliveries. WEBHOOK_NODES_POSTS batches of 10 customers (100 by default: 1,000 events) are sent
// to both nodes in turn; a receiver answers 200 after 0-20 ms and tracks the attempts in flight
// per webhook-id. Every event is delivered, none by both nodes at once (the lease and
// `for update skip locked`), and with no node killed none twice. PostgreSQL only: it is the
// database several nodes share.

const POSTS = Number(process.env.WEBHOOK_NODES_POSTS ?? 100)
const SEED = Number(process.env.WEBHOOK_NODES_SEED ?? 20261125)
const BATCH = 10
/** POSTs in flight at once, over both nodes */
const SENDERS = 8
const DELAY_MS = 20
const DELIVERY_TIMEOUT_MS = 90_000
const STORE = 'whnodes'
const WORKER_ENV = { WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '5000', WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2,0.2' }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function answered(outcome: Awaited<ReturnType<typeof call>>): Answer {
  if (outcome === 'cut') throw new Error('a node cut a connection')
  return outcome
}

/** `clientele_webhook_deliveries_total{outcome="delivered"}` of one node, all scopes. */
async function deliveredBy(node: Node): Promise<number> {
  const text = await (await fetch(`${node.origin}/metrics`)).text()
  return text
    .split('\n')
    .filter((line) => line.startsWith('clientele_webhook_deliveries_total{') && line.includes('outcome="delivered"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
}

describe('the receiver', () => {
  it('counts a webhook-id in flight twice at once as an overlap', async () => {
    const receiver = await new Receiver('secret', () => ({ status: 200, delayMs: 50 })).start()
    try {
      const post = () => fetch(receiver.url, { method: 'POST', headers: { 'webhook-id': 'same' }, body: JSON.stringify({ scope: 's', hash: 'h', data: { id: 1 } }) })
      await Promise.all([post(), post()])
      await post()
      expect([receiver.overlaps, receiver.deliveries.length, receiver.maxInFlight]).toEqual([1, 3, 2])
    } finally {
      await receiver.close()
    }
  })
})

describe.runIf(BACKENDS.includes('postgres'))('postgres: two nodes deliver one hook', () => {
  let database: ProcessDatabase
  let db: Kysely<Database>
  let token: string
  let storeId: number
  let receiver: Receiver
  let nodes: Node[] = []
  const agent = keepAliveAgent(SENDERS)

  beforeAll(async () => {
    database = await processDatabase('postgres')
    db = await database.open()
    await createStore(db, STORE)
    const account = await createAccount(db, { storeHash: STORE, scopes: ALL_SCOPES })
    token = account.access_token
    storeId = (await db.selectFrom('stores').select('id').where('hash', '=', STORE).executeTakeFirstOrThrow()).id
    const delay = random(SEED)
    receiver = await new Receiver(account.client_secret, () => ({ status: 200, delayMs: Math.floor(delay() * (DELAY_MS + 1)) })).start()
    nodes = await Promise.all([startNode({ ...database.env, ...WORKER_ENV }), startNode({ ...database.env, ...WORKER_ENV })])
  })
  afterAll(async () => {
    agent.destroy()
    await Promise.all(nodes.map((node) => node.server.stop()))
    await receiver?.close()
    await database.remove()
  })

  it(`delivers each of ${POSTS * BATCH} events, never from both nodes at once`, async () => {
    const made = answered(
      await call(agent, nodes[0]!.origin, 'POST', `/stores/${STORE}/v3/hooks`, token, { scope: 'store/customer/*', destination: receiver.url, is_active: true }),
    )
    expect(made.status).toBe(200)
    const hookId = made.body.data.id as number

    // The batches, to each node in turn, SENDERS at a time: deliveries start while writes go on.
    let sent = 0
    const created: number[] = []
    const sender = async () => {
      while (sent < POSTS) {
        const n = sent++
        const body = Array.from({ length: BATCH }, (_, i) => ({ email: `p${n}c${i}@whnodes.test`, first_name: 'Node', last_name: `Post ${n}` }))
        const answer = answered(await call(agent, nodes[n % 2]!.origin, 'POST', `/stores/${STORE}/v3/customers`, token, body))
        if (answer.status !== 200) throw new Error(`POST ${n}: ${answer.status} ${JSON.stringify(answer.body)}`)
        created.push(...answer.body.data.map((c: { id: number }) => c.id))
      }
    }
    await Promise.all(Array.from({ length: SENDERS }, sender))
    expect(created.length).toBe(POSTS * BATCH)

    const events = await db.selectFrom('webhook_events').select(['hash', 'data']).where('store_id', '=', storeId).where('scope', '=', 'store/customer/created').execute()
    expect(events.length).toBe(POSTS * BATCH)
    expect(events.map((e) => (JSON.parse(e.data) as { id: number }).id).sort((a, b) => a - b)).toEqual([...created].sort((a, b) => a - b))
    const webhookIds = new Set(events.map((e) => `${e.hash}-${hookId}`))

    const started = Date.now()
    const accepted = () => new Set(receiver.accepted().map((d) => d.webhookId))
    for (;;) {
      const stats = await queueStats(db)
      if (stats.pendingDeliveries === 0 && stats.undispatchedEvents === 0 && accepted().size >= webhookIds.size) break
      if (Date.now() - started > DELIVERY_TIMEOUT_MS) throw new Error(`not all delivered: ${accepted().size} of ${webhookIds.size}, ${JSON.stringify(stats)}`)
      await sleep(50)
    }
    const deliveryMs = Date.now() - started

    const received = receiver.accepted()
    expect(receiver.deliveries.filter((d) => !d.signed).length).toBe(0)
    expect(receiver.deliveries.length).toBe(received.length)
    expect([...accepted()].filter((id) => !webhookIds.has(id))).toEqual([])
    expect([...webhookIds].filter((id) => !accepted().has(id))).toEqual([])
    const deliveries = await db.selectFrom('webhook_deliveries').select(['status']).where('store_id', '=', storeId).execute()
    expect(deliveries.length).toBe(POSTS * BATCH)
    expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([])
    // No webhook-id was in flight twice at once: the two nodes never held one delivery together.
    expect(receiver.overlaps).toBe(0)
    const duplicates = received.length - webhookIds.size
    expect(duplicates).toBe(0)
    const byNode = await Promise.all(nodes.map(deliveredBy))
    expect(byNode[0]! + byNode[1]!).toBe(received.length)

    closingLine(
      `webhook nodes (postgres, 2 nodes): ${webhookIds.size} events, each delivered, 0 at once by both nodes, ${duplicates} duplicates; ` +
        `${byNode[0]} sent by one node, ${byNode[1]} by the other, at most ${receiver.maxInFlight} in flight; all delivered ${(deliveryMs / 1000).toFixed(1)} s after the last write`,
    )
  })
})
