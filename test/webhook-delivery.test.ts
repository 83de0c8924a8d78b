import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql, type Kysely } from 'kysely'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../src/db/schema.js'
import { storeIdOf } from '../src/stores/lookup.js'
import { startDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../src/webhooks/worker.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, newCustomer, send, type TestApp, type TestStore } from './helpers/app.js'
import { waitFor as waitUntil } from './helpers/wait.js'
import { BACKENDS, openOwnDatabase, type Backend, type OwnDatabase } from './helpers/backends.js'

// The delivery worker against real receivers (node:http servers on 127.0.0.1): what is sent,
// signed and retried, and what a slow, hanging, redirecting or flooding receiver costs.

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

type Answer = (req: http.IncomingMessage, res: http.ServerResponse, count: number) => void

class Receiver {
  readonly received: Received[] = []
  private server!: http.Server
  answer: Answer = (_req, res) => res.writeHead(200).end()
  url = ''

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
        this.answer(req, res, this.received.length)
      })
    })
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`
    return this
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }
}


/** Deliveries here are local and quick: 5 s is long for any of them. */
const waitFor = <T,>(probe: Parameters<typeof waitUntil<T>>[0], timeoutMs = 5000) => waitUntil(probe, timeoutMs)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))


// The denylist as BigCommerce's but counting from 20 attempts (not 100), so a test reaches it
// before the two retries of its first events run out and deactivate the hook.
const DENYLIST = { windowMs: 120_000, minAttempts: 20, minSuccessRatio: 0.9, blockMs: 180_000 }
const WORKER: DeliveryWorkerOptions = { pollMs: 20, timeoutMs: 600, retrySchedule: [0.1, 0.1], pruneEveryMs: 60_000, denylist: DENYLIST }

for (const backend of BACKENDS) {
  describe(`${backend}: webhook delivery`, () => {
    let t: TestApp
    let db: Kysely<Database>
    let worker: DeliveryWorker
    let own: OwnDatabase
    const receivers: Receiver[] = []

    const receiver = async (answer?: Answer) => {
      const r = await new Receiver().start()
      if (answer) r.answer = answer
      receivers.push(r)
      return r
    }

    beforeAll(async () => {
      own = await openOwnDatabase(backend, 'webhook_delivery')
      db = own.db
      t = await buildTestApp(backend, { db, app: own.schema ? { databaseSchema: own.schema } : {} })
      worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry })
    })

    afterAll(async () => {
      await worker.stop()
      await Promise.all(receivers.map((r) => r.close()))
      await t.close()
      await own.drop()
    })

    /** A hook of the store's full-scope account, as POST /hooks saves it. */
    async function hook(store: TestStore, destination: string, scope = 'store/customer/*', headers: Record<string, string> | null = null, createdAt?: number) {
      const now = Math.floor(Date.now() / 1000)
      const row = await db
        .insertInto('webhooks')
        .values({
          store_id: await storeIdOf(db, store.hash),
          client_id: store.clientId,
          scope,
          destination,
          status: 'active',
          headers: headers === null ? null : JSON.stringify(headers),
          created_at: createdAt ?? now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    }

    /**
     * Creates `count` customers through the API (POST /customers, 10 a request): each makes one
     * store/customer/created event, written by the request's transaction. Returns those events.
     */
    async function createCustomers(store: TestStore, count: number) {
      const storeId = await storeIdOf(db, store.hash)
      const before = await db.selectFrom('webhook_events').select(({ fn }) => fn.max('id').as('id')).where('store_id', '=', storeId).executeTakeFirst()
      for (let i = 0; i < count; i += 10) {
        const response = await store.request('POST', '/customers', Array.from({ length: Math.min(10, count - i) }, () => newCustomer()))
        expect(response.status).toBe(200)
      }
      worker.nudge()
      return db
        .selectFrom('webhook_events')
        .selectAll()
        .where('store_id', '=', storeId)
        .where('id', '>', Number(before?.id ?? 0))
        .where('scope', '=', 'store/customer/created')
        .orderBy('id')
        .execute()
    }

    const secretOf = async (store: TestStore) =>
      (await db.selectFrom('api_accounts').select('client_secret').where('client_id', '=', store.clientId).executeTakeFirstOrThrow()).client_secret

    const deliveriesOf = (hookId: number) => db.selectFrom('webhook_deliveries').selectAll().where('hook_id', '=', hookId).orderBy('id').execute()
    const hookStatus = async (hookId: number) => (await db.selectFrom('webhooks').select('status').where('id', '=', hookId).executeTakeFirstOrThrow()).status

    it('sends one delivery per event to each matching active hook, the envelope exactly', async () => {
      const store = await t.newStore()
      const all = await receiver()
      const exact = await receiver()
      const other = await receiver()
      const inactive = await receiver()
      await hook(store, all.url, 'store/customer/*')
      await hook(store, exact.url, 'store/customer/created')
      await hook(store, other.url, 'store/cart/metafield/created')
      const off = await hook(store, inactive.url)
      await db.updateTable('webhooks').set({ status: 'inactive' }).where('id', '=', off).execute()

      const [event] = await createCustomers(store, 1)
      await waitFor(() => all.received.length === 1 && exact.received.length === 1)
      await sleep(150)
      expect(all.received).toHaveLength(1)
      expect(exact.received).toHaveLength(1)
      expect(other.received).toHaveLength(0)
      expect(inactive.received).toHaveLength(0)
      const storeId = await storeIdOf(db, store.hash)
      const expected = JSON.stringify({
        scope: 'store/customer/created',
        store_id: String(storeId),
        data: JSON.parse(event!.data),
        hash: event!.hash,
        created_at: event!.created_at,
        producer: `stores/${store.hash}`,
      })
      expect(all.received[0]!.body).toBe(expected)
      expect(exact.received[0]!.body).toBe(expected)
      expect(all.received[0]!.headers['content-type']).toBe('application/json')
      expect(event!.hash).toMatch(/^[0-9a-f]{40}$/)
      const customers = await store.request('GET', '/customers')
      expect(JSON.parse(all.received[0]!.body).data).toMatchObject({ type: 'customer', id: customers.body.data[0].id })
    })

    it('sends the hook\'s custom headers, and a Standard Webhooks signature keyed by the client secret, base64-encoded', async () => {
      const store = await t.newStore()
      const r = await receiver()
      const hookId = await hook(store, r.url, 'store/customer/created', { Authorization: 'Basic dXNlcjpwYXNz', 'X-Custom': 'one' })
      await createCustomers(store, 1)
      const [got] = await waitFor(() => (r.received.length ? r.received : undefined))
      expect(got!.headers.authorization).toBe('Basic dXNlcjpwYXNz')
      expect(got!.headers['x-custom']).toBe('one')
      const [event] = await db.selectFrom('webhook_events').select('hash').where('store_id', '=', await storeIdOf(db, store.hash)).execute()
      expect(got!.headers['webhook-id']).toBe(`${event!.hash}-${hookId}`)
      const headers = {
        'webhook-id': String(got!.headers['webhook-id']),
        'webhook-timestamp': String(got!.headers['webhook-timestamp']),
        'webhook-signature': String(got!.headers['webhook-signature']),
      }
      const key = Buffer.from(await secretOf(store)).toString('base64')
      expect(new Webhook(key).verify(got!.body, headers)).toEqual(JSON.parse(got!.body))
      expect(() => new Webhook(Buffer.from('another secret').toString('base64')).verify(got!.body, headers)).toThrow('No matching signature found')
    })

    it('retries a failing receiver with the same body, hash and webhook-id until it answers 2xx', async () => {
      const store = await t.newStore()
      const r = await receiver((_req, res, n) => res.writeHead(n <= 2 ? 500 : 204).end())
      const hookId = await hook(store, r.url)
      const [event] = await createCustomers(store, 1)
      await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'delivered')
      expect(r.received).toHaveLength(3)
      expect(new Set(r.received.map((x) => x.body)).size).toBe(1)
      expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1)
      expect(JSON.parse(r.received[2]!.body).hash).toBe(event!.hash)
      // each retry waits its interval (0.1 s) after the failure
      expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(90)
      const [delivery] = await deliveriesOf(hookId)
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status: 204, last_error: null })
      expect(await hookStatus(hookId)).toBe('active')
    })

    it('deactivates the hook when the last retry fails', async () => {
      const store = await t.newStore()
      const r = await receiver((_req, res) => res.writeHead(503).end('busy'))
      const hookId = await hook(store, r.url)
      await createCustomers(store, 1)
      await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'failed')
      expect(r.received).toHaveLength(3)
      const [delivery] = await deliveriesOf(hookId)
      expect(delivery).toMatchObject({ status: 'failed', attempts: 3, last_status: 503, last_error: 'status 503' })
      expect(await hookStatus(hookId)).toBe('deactivated')
      // a deactivated hook gets nothing more
      await createCustomers(store, 1)
      await sleep(200)
      expect(r.received).toHaveLength(3)
    })

    it('ends a hanging attempt at the timeout, and other hooks are not held up by it', async () => {
      const store = await t.newStore()
      let open = 0
      let mostOpen = 0
      const hanging = await receiver((_req, res) => {
        open += 1
        mostOpen = Math.max(mostOpen, open)
        res.on('close', () => (open -= 1))
      })
      const quick = await receiver()
      const slowHook = await hook(store, hanging.url)
      await hook(store, quick.url)
      // more events than the hanging origin has slots (4): the quick one still gets every one at once
      await createCustomers(store, 6)
      await waitFor(() => quick.received.length === 6)
      await waitFor(async () => (await deliveriesOf(slowHook)).filter((d) => d.attempts >= 1).length >= 4, 3000)
      const ended = (await deliveriesOf(slowHook)).filter((d) => d.attempts >= 1)
      // every quick delivery arrived before the first hanging attempt ended (its retry is due 100 ms after)
      const firstEnd = Math.min(...ended.map((d) => d.next_attempt_at - 100))
      expect(Math.max(...quick.received.map((x) => x.at))).toBeLessThan(firstEnd)
      const first = ended[0]!
      expect(first.last_error).toBe('no response within 600 ms')
      expect(first.last_status).toBeNull()
      expect(first.last_latency_ms).toBeGreaterThanOrEqual(590)
      // the hanging origin had its 4 slots, never more
      expect(mostOpen).toBe(4)
    })

    it('keeps connections to a receiver open: many deliveries over at most WEBHOOK_MAX_PER_ORIGIN sockets', async () => {
      const store = await t.newStore()
      const sockets = new Set<unknown>()
      const r = await receiver((req, res) => {
        sockets.add(req.socket)
        res.writeHead(200).end()
      })
      const hookId = await hook(store, r.url)
      await createCustomers(store, 30)
      await waitFor(async () => (await deliveriesOf(hookId)).filter((d) => d.status === 'delivered').length === 30)
      expect(r.received).toHaveLength(30)
      expect(sockets.size).toBeGreaterThanOrEqual(1)
      expect(sockets.size).toBeLessThanOrEqual(4)
    })

    it('sends again on a fresh socket when a kept one turns out closed, with no failed attempt', async () => {
      const store = await t.newStore()
      const served = new WeakMap<object, number>()
      // answers a connection's first request, and resets it at any later one (an idle timeout crossing the reuse)
      const r = await receiver((req, res) => {
        const n = (served.get(req.socket) ?? 0) + 1
        served.set(req.socket, n)
        if (n === 1) res.writeHead(200).end()
        else req.socket.destroy()
      })
      const hookId = await hook(store, r.url)
      await createCustomers(store, 1)
      await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'delivered')
      await createCustomers(store, 1)
      await waitFor(async () => (await deliveriesOf(hookId)).filter((d) => d.status === 'delivered').length === 2)
      expect((await deliveriesOf(hookId)).map((d) => [d.attempts, d.last_status, d.last_error])).toEqual([[1, 200, null], [1, 200, null]])
      // the second event: once on the kept socket (reset), once on a fresh one
      expect(r.received).toHaveLength(3)
    })

    it('reads at most a small part of an endless response body, then closes the socket', async () => {
      const store = await t.newStore()
      let written = 0
      let closed = false
      const chunk = Buffer.alloc(64 * 1024, 'x')
      const flood = await receiver((_req, res) => {
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) })
        res.on('close', () => (closed = true))
        const pump = () => {
          while (!closed && written < 50 * 1024 * 1024) {
            written += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
        }
        pump()
      })
      const hookId = await hook(store, flood.url)
      await createCustomers(store, 1)
      await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'delivered')
      await waitFor(() => closed)
      expect(written).toBeLessThan(10 * 1024 * 1024)
      const [delivery] = await deliveriesOf(hookId)
      expect(delivery!.last_latency_ms).toBeLessThan(600)
    })

    it('does not follow a redirect: a 3xx is a failed attempt', async () => {
      const store = await t.newStore()
      const target = await receiver()
      const redirecting = await receiver((_req, res) => res.writeHead(302, { location: target.url }).end())
      const hookId = await hook(store, redirecting.url)
      await createCustomers(store, 1)
      await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'failed')
      expect(redirecting.received).toHaveLength(3)
      expect(target.received).toHaveLength(0)
      expect((await deliveriesOf(hookId))[0]).toMatchObject({ last_status: 302, last_error: 'redirect (302) not followed' })
    })

    it('gives a hook no event made before it was created', async () => {
      await worker.stop()
      try {
        const store = await t.newStore()
        const r = await receiver()
        const [event] = await createCustomers(store, 1)
        const hookId = await hook(store, r.url, 'store/customer/*', null, event!.created_at + 1)
        worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry })
        await waitFor(async () => (await db.selectFrom('webhook_events').select('dispatched').where('id', '=', event!.id).executeTakeFirstOrThrow()).dispatched === 1)
        await sleep(100)
        expect(await deliveriesOf(hookId)).toEqual([])
        expect(r.received).toHaveLength(0)
      } finally {
        await worker.stop()
        worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry })
      }
    })

    it('in public mode, sends nothing to a hook whose destination is a loopback address', async () => {
      await worker.stop()
      const publicWorker = startDeliveryWorker(db, { ...WORKER, retrySchedule: [], destinations: 'public' })
      try {
        const store = await t.newStore()
        const r = await receiver()
        const hookId = await hook(store, r.url)
        await createCustomers(store, 1)
        publicWorker.nudge()
        await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'failed')
        expect(r.received).toHaveLength(0)
        expect((await deliveriesOf(hookId))[0]).toMatchObject({ attempts: 1, last_status: null, last_error: 'not sent: 127.0.0.1 is not a public address' })
      } finally {
        await publicWorker.stop()
        worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry })
      }
    })

    it('blocks a domain for the account once under 90% of its attempts in two minutes succeed (from the 20th here); shows it in /hooks/admin; others still receive', async () => {
      const store = await t.newStore()
      const failing = await receiver((_req, res) => res.writeHead(500).end())
      const hookId = await hook(store, failing.url)
      // 30 events: their first attempts alone make the 20 failures that block.
      await createCustomers(store, 30)
      const admin = await waitFor(async () => {
        const res = await store.request('GET', '/hooks/admin')
        return res.body.data.blocked_domains.length > 0 ? res.body.data : undefined
      }, 15_000)
      expect(admin.blocked_domains).toEqual([
        { destination: '127.0.0.1', time_left: expect.any(Number), reasons: [{ failure_description: 'status 500', count: 20, timestamp: expect.any(Number) }] },
      ])
      expect(admin.blocked_domains[0].time_left).toBeGreaterThan(170)
      expect(admin.blocked_domains[0].time_left).toBeLessThanOrEqual(180)
      // What was due during the block waits for its end, without using an attempt.
      // Attempts already in flight when it blocked (at most the per-origin 4) still went.
      await sleep(300)
      const sent = failing.received.length
      expect(sent).toBeGreaterThanOrEqual(20)
      expect(sent).toBeLessThanOrEqual(24)
      const block = await db.selectFrom('webhook_blocks').select('blocked_until').where('client_id', '=', store.clientId).executeTakeFirstOrThrow()
      const waiting = (await deliveriesOf(hookId)).filter((d) => d.status === 'pending')
      expect(waiting.length).toBeGreaterThan(0)
      for (const d of waiting) expect(Number(d.next_attempt_at)).toBeGreaterThanOrEqual(Number(block.blocked_until) - 1)
      expect(await hookStatus(hookId)).toBe('active')
      // The block is the account's: another account's hook to the same domain still receives.
      const other = await t.newStore()
      const ok = await receiver()
      await hook(other, ok.url)
      await createCustomers(other, 1)
      await waitFor(() => ok.received.length === 1)
      await sleep(300)
      expect(failing.received).toHaveLength(sent)
    })

    it('shares the work between two workers (two nodes): each delivery is sent once', async () => {
      const second = startDeliveryWorker(db, WORKER)
      try {
        const store = await t.newStore()
        const r = await receiver((_req, res) => setTimeout(() => res.writeHead(200).end(), 5))
        const hookId = await hook(store, r.url)
        await createCustomers(store, 40)
        second.nudge()
        await waitFor(async () => (await deliveriesOf(hookId)).filter((d) => d.status === 'delivered').length === 40)
        await sleep(100)
        expect(r.received).toHaveLength(40)
        expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(40)
        expect((await deliveriesOf(hookId)).every((d) => d.attempts === 1)).toBe(true)
      } finally {
        await second.stop()
      }
    })

    it('prunes finished deliveries and dispatched events older than the retention window', async () => {
      const store = await t.newStore()
      const r = await receiver()
      const hookId = await hook(store, r.url)
      const [old, recent] = await createCustomers(store, 2)
      await waitFor(async () => (await deliveriesOf(hookId)).filter((d) => d.status === 'delivered').length === 2)
      const dayAgo = Date.now() - 24 * 3600 * 1000
      // created_at is written once (schema.ts): aged here behind the types' back, as time would
      await sql`update webhook_events set created_at = ${Math.floor(dayAgo / 1000)} where id = ${old!.id}`.execute(db)
      await sql`update webhook_deliveries set created_at = ${dayAgo} where event_id = ${old!.id}`.execute(db)
      await worker.stop()
      // a fresh worker prunes at its first look
      worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry, retentionMs: 3600 * 1000 })
      await waitFor(async () => (await db.selectFrom('webhook_events').select('id').where('id', '=', old!.id).execute()).length === 0)
      expect((await deliveriesOf(hookId)).map((d) => d.event_id)).toEqual([recent!.id])
      await worker.stop()
      worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry })
    })

    it('caps the outbox: beyond the newest WEBHOOK_MAX_EVENTS events, sent ones go with their finished deliveries; undispatched ones stay and are sent', async () => {
      const store = await t.newStore()
      const r = await receiver()
      const hookId = await hook(store, r.url)
      const sent = await createCustomers(store, 5)
      await waitFor(async () => (await deliveriesOf(hookId)).filter((d) => d.status === 'delivered').length === 5)
      await worker.stop()
      // written while no worker runs: undispatched, and older than the newest one the cap keeps
      const waiting = await createCustomers(store, 3)
      worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry, maxEvents: 1 })
      await waitFor(async () => (await deliveriesOf(hookId)).filter((d) => d.status === 'delivered').length === 3)
      const storeId = await storeIdOf(db, store.hash)
      const kept = await db.selectFrom('webhook_events').select('id').where('store_id', '=', storeId).orderBy('id').execute()
      expect(kept.map((e) => e.id)).toEqual(waiting.map((e) => e.id))
      expect((await deliveriesOf(hookId)).map((d) => [d.event_id, d.status])).toEqual(waiting.map((e) => [e.id, 'delivered']))
      // the admin API's history shows the same: the three kept, nothing of the five before
      const listed = await admin(t, 'GET', `/stores/${store.hash}/webhook-deliveries`)
      expect(listed.status).toBe(200)
      const history = (listed.body.data as { event: { id: number }; status: string }[]).map((d) => [d.event.id, d.status])
      expect(history.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(waiting.map((e) => [e.id, 'delivered']))
      expect(r.received.map((x) => JSON.parse(x.body).hash as string).sort()).toEqual([...sent, ...waiting].map((e) => e.hash).sort())
      await worker.stop()
      worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry })
    })

    it('deactivates a hook with WEBHOOK_MAX_RETRYING_PER_HOOK deliveries waiting for a retry; it gets no delivery for later events', async () => {
      await worker.stop()
      worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry, retrySchedule: [60], maxRetryingPerHook: 3 })
      try {
        const store = await t.newStore()
        const r = await receiver((_req, res) => res.writeHead(500).end())
        const hookId = await hook(store, r.url)
        await createCustomers(store, 3)
        await waitFor(async () => (await deliveriesOf(hookId)).filter((d) => d.status === 'pending' && d.attempts === 1).length === 3)
        expect(await hookStatus(hookId)).toBe('active')
        await createCustomers(store, 1)
        await waitFor(async () => (await hookStatus(hookId)) === 'deactivated')
        const shown = await store.request('GET', `/hooks/${hookId}`)
        expect(shown.status).toBe(200)
        expect(shown.body).toMatchObject({ data: { id: hookId, is_active: false } })
        await sleep(200)
        // the three wait for their retry (sent if the hook is made active again); the fourth event has none
        expect((await deliveriesOf(hookId)).map((d) => [d.status, d.attempts])).toEqual([['pending', 1], ['pending', 1], ['pending', 1]])
        expect(r.received).toHaveLength(3)
      } finally {
        await worker.stop()
        worker = startDeliveryWorker(db, { ...WORKER, registry: t.app.metricsRegistry })
      }
    })

    it('counts deliveries and shows the queue in /metrics', async () => {
      const store = await t.newStore()
      const r = await receiver()
      const hookId = await hook(store, r.url)
      await createCustomers(store, 1)
      await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'delivered')
      const metrics = await send(t.app, 'GET', '/metrics')
      expect(metrics.text).toMatch(/clientele_webhook_deliveries_total\{scope="store\/customer\/created",outcome="delivered"\} \d+/)
      expect(metrics.text).toMatch(/clientele_webhook_deliveries_total\{scope="store\/customer\/created",outcome="failed"\} \d+/)
      expect(metrics.text).toMatch(/clientele_webhook_attempt_duration_seconds_count \d+/)
      expect(metrics.text).toMatch(/clientele_webhook_queue_depth\{kind="pending_deliveries"\} \d+/)
      expect(metrics.text).toMatch(/clientele_webhook_queue_depth\{kind="undispatched_events"\} \d+/)
      expect(metrics.text).toMatch(/clientele_webhook_oldest_pending_seconds [\d.e+-]+/)
    })

    describe('admin API', () => {
      it('lists a store\'s deliveries, most recent first', async () => {
        const store = await t.newStore()
        const ok = await receiver()
        const failing = await receiver((_req, res) => res.writeHead(500).end())
        const okHook = await hook(store, ok.url, 'store/customer/created')
        const failingHook = await hook(store, failing.url, 'store/customer/created')
        const [event] = await createCustomers(store, 1)
        await waitFor(async () => (await deliveriesOf(failingHook))[0]?.status === 'failed')
        await waitFor(async () => (await deliveriesOf(okHook))[0]?.status === 'delivered')
        const [okRow] = await deliveriesOf(okHook)
        const [failedRow] = await deliveriesOf(failingHook)

        const response = await admin(t, 'GET', `/stores/${store.hash}/webhook-deliveries`)
        expect(response.status).toBe(200)
        const eventView = { id: event!.id, scope: 'store/customer/created', hash: event!.hash, created_at: event!.created_at }
        const delivered = {
          id: okRow!.id, event: eventView, hook: { id: okHook, destination: ok.url }, status: 'delivered', attempts: 1,
          last_status: 200, last_error: null, last_latency_ms: okRow!.last_latency_ms, next_attempt_at: null,
          delivered_at: new Date(okRow!.delivered_at!).toISOString(),
        }
        const failed = {
          id: failedRow!.id, event: eventView, hook: { id: failingHook, destination: failing.url }, status: 'failed', attempts: 3,
          last_status: 500, last_error: 'status 500', last_latency_ms: failedRow!.last_latency_ms, next_attempt_at: null, delivered_at: null,
        }
        expect(response.body).toEqual({ data: [delivered, failed].sort((a, b) => b.id - a.id) })

        const limited = await admin(t, 'GET', `/stores/${store.hash}/webhook-deliveries?limit=1`)
        expect(limited.body.data).toHaveLength(1)
        expect((await admin(t, 'GET', `/stores/${store.hash}/webhook-deliveries`, undefined, null)).status).toBe(401)
        expect((await admin(t, 'GET', '/stores/nosuchstore/webhook-deliveries')).body).toMatchObject({ status: 404, title: 'no store "nosuchstore"' })
      })

      it('redelivers a delivery: pending and due now, sent again with the same webhook-id; the hook stays as it is', async () => {
        const store = await t.newStore()
        let failing = true
        const r = await receiver((_req, res) => res.writeHead(failing ? 500 : 200).end())
        const hookId = await hook(store, r.url)
        await createCustomers(store, 1)
        await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'failed')
        expect(await hookStatus(hookId)).toBe('deactivated')
        const [row] = await deliveriesOf(hookId)

        failing = false
        const response = await admin(t, 'POST', `/stores/${store.hash}/webhook-deliveries/${row!.id}/redeliver`)
        expect(response.status).toBe(200)
        expect(response.body.data).toMatchObject({ id: row!.id, status: 'pending', attempts: 0, last_status: 500, delivered_at: null })
        expect(Date.parse(response.body.data.next_attempt_at)).toBeLessThanOrEqual(Date.now())
        // the hook is deactivated: the redelivery waits for it
        await sleep(150)
        expect(r.received).toHaveLength(3)
        expect(await hookStatus(hookId)).toBe('deactivated')

        await db.updateTable('webhooks').set({ status: 'active' }).where('id', '=', hookId).execute()
        worker.nudge()
        await waitFor(async () => (await deliveriesOf(hookId))[0]?.status === 'delivered')
        expect(r.received).toHaveLength(4)
        expect(r.received[3]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id'])
        expect(r.received[3]!.body).toBe(r.received[0]!.body)

        const other = await t.newStore()
        expect((await admin(t, 'POST', `/stores/${other.hash}/webhook-deliveries/${row!.id}/redeliver`)).body).toMatchObject({
          status: 404,
          title: `no webhook delivery ${row!.id} in store "${other.hash}"`,
        })
      })
    })
  })
}
