import { Agent, request } from 'node:http'
import { loadavg } from 'node:os'
import type { BenchConfig } from './config.js'
import { measure, nextBody, type LoadResult, type LoadSpec, type Tool } from './load.js'
import { startReceiver, type RunningServer } from './processes.js'
import { BATCH, loadSpec, SCENARIOS } from './scenarios.js'
import type { SeededStore } from './seed.js'

// What webhooks cost, on the server the scenarios ran on (`clientele serve` with its delivery
// worker, as in production), with a fast receiver (bench/receiver.ts: answers 200 at once, no
// body) in a process of its own:
// - `post-hook`: POST 10 customers with no hook, then with one active `store/customer/*` hook to
//   the receiver, measured back to back the way the POST scenario is; the second pays for the
//   worker dispatching and delivering beside the API, on the same CPUs;
// - `deliver`: with the hook active, BENCH_WEBHOOK_EVENTS customers created through the API
//   (POSTs of 10), and the receiver's count of their deliveries from the first to the last. The
//   writes take the server's CPU while they run (the worker shares the API's event loop and yields
//   to it), so most deliveries come after the last write: the delivery throughput is the rate of
//   those, the worker alone draining its backlog. Beside it, in the same run, a bare node:http
//   client POSTs the same bytes (an envelope, its headers) to the same receiver over as many
//   keep-alive connections as the worker uses per origin (serve's default, 4).
// Each starts from a quiet queue (no pending delivery, no undispatched event: the scenarios before
// leave the outbox full of events the worker must still dispatch) and deletes its hook after.

export const WEBHOOK_KEYS = ['post-hook', 'deliver'] as const
const HOOK_SCOPE = 'store/customer/*'
/**
 * A wait for a quiet queue gives up when the queue has not shrunk for this long: a million
 * seeded customers' events take the worker longer than any fixed limit a 100,000 store needs.
 */
const QUIET_STALL_MS = 60_000
/** the delivery phase gives up when the receiver's count has not moved for this long */
const STALL_MS = 15_000
/** the worker's attempts in flight to one origin (serve's default WEBHOOK_MAX_PER_ORIGIN) */
const PER_ORIGIN = 4
/** the drain figure counts only when at least this many deliveries came after the last write */
const MIN_DRAINED = 1_000

const print = (line = '') => process.stdout.write(`${line}\n`)
const at = () => performance.timeOrigin + performance.now()

export interface QueueDepth {
  pendingDeliveries: number
  undispatchedEvents: number
}

export interface WebhookPostRow {
  label: string
  clientele: LoadResult
  customersPerSecond: number
  /** deliveries the receiver got during the measurement (its warm-up left out) */
  delivered: number
  /** the queue as the measurement ended: what the worker had not caught up with */
  queueAfter: QueueDepth
  load1: number
}

export interface DeliveryReport {
  /** events the run waited for: one store/customer/created per customer created */
  events: number
  /** POSTs of 10 that created them, over `connections` connections, and how long they took */
  posts: number
  connections: number
  writeSeconds: number
  /** deliveries the receiver counted, and how many distinct webhook-ids among them */
  delivered: number
  distinct: number
  /** from the receiver's first delivery to its last */
  firstToLastSeconds: number
  eventsPerSecond: number
  /** from the last POST's answer to the last delivery */
  lastWriteToLastDeliveryMs: number
  /** from the first POST sent to the first delivery */
  firstWriteToFirstDeliveryMs: number
  /** the server's CPU over the phase (writes and deliveries), per event, and its average cores */
  cpuMsPerEvent: number
  serverCores: number
  /**
   * the deliveries after the last write, with no API work beside them: how many, and the server's
   * CPU per delivery and average cores then (the delivery worker's own cost)
   */
  afterLastWrite: { delivered: number; cpuMsPerEvent: number; serverCores: number }
  /** the delivery throughput: deliveries after the last write over the time from it to the last delivery (undefined when too few came after it) */
  drainEventsPerSecond?: number
  /** a bare node:http client POSTing the same bytes to the same receiver, PER_ORIGIN connections */
  bare: { requests: number; eventsPerSecond: number }
  /** drainEventsPerSecond over the bare client's rate */
  ratio?: number
  /** set when the receiver stopped counting before all events arrived */
  incomplete?: string
  load1: number
}

export interface WebhookReport {
  backend: 'sqlite'
  noHook?: WebhookPostRow
  withHook?: WebhookPostRow
  /** with-hook customers/s over no-hook customers/s */
  ratio?: number
  delivery?: DeliveryReport
  /** seconds spent waiting for a quiet queue before the measurements */
  quietSeconds: number[]
}

interface ReceiverStats {
  count: number
  distinct: number
  first: number | null
  last: number | null
}

async function receiverStats(receiver: RunningServer, reset = false): Promise<ReceiverStats> {
  return (await (await fetch(`${receiver.origin}/${reset ? 'reset' : 'stats'}`)).json()) as ReceiverStats
}

export async function queueDepth(origin: string): Promise<QueueDepth> {
  const text = await (await fetch(`${origin}/metrics`)).text()
  const gauge = (kind: string) => {
    const match = new RegExp(`^clientele_webhook_queue_depth\\{kind="${kind}"\\} (\\S+)$`, 'm').exec(text)
    if (!match) throw new Error(`/metrics has no clientele_webhook_queue_depth{kind="${kind}"}: is the delivery worker running?`)
    return Number(match[1])
  }
  return { pendingDeliveries: gauge('pending_deliveries'), undispatchedEvents: gauge('undispatched_events') }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until the worker has nothing left to do; returns the seconds it took. */
export async function waitForQuiet(origin: string): Promise<number> {
  const started = performance.now()
  let least = Infinity
  let shrunkAt = started
  for (;;) {
    const depth = await queueDepth(origin)
    const left = depth.pendingDeliveries + depth.undispatchedEvents
    if (left === 0) return (performance.now() - started) / 1000
    if (left < least) [least, shrunkAt] = [left, performance.now()]
    if (performance.now() - shrunkAt > QUIET_STALL_MS) {
      throw new Error(`the webhook queue has not shrunk in ${QUIET_STALL_MS / 1000} s: ${JSON.stringify(depth)}`)
    }
    await sleep(250)
  }
}

async function api(storeUrl: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${storeUrl}${path}`, {
    method,
    headers: { 'x-auth-token': token, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

async function createHook(storeUrl: string, token: string, receiver: RunningServer): Promise<number> {
  const answer = (await api(storeUrl, token, 'POST', '/hooks', { scope: HOOK_SCOPE, destination: `${receiver.origin}/hook`, is_active: true })) as { data: { id: number } }
  return answer.data.id
}

const deleteHook = (storeUrl: string, token: string, id: number) => api(storeUrl, token, 'DELETE', `/hooks/${id}`)

/** One POST over `agent`; resolves with its status once the answer is read. */
function post(url: string, headers: Record<string, string>, agent: Agent, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
    })
    req.once('error', reject)
    req.end(body)
  })
}

function formatDepth(depth: QueueDepth): string {
  return `${depth.pendingDeliveries.toLocaleString('en-US')} pending deliveries, ${depth.undispatchedEvents.toLocaleString('en-US')} undispatched events`
}

async function measurePost(label: string, spec: LoadSpec, server: RunningServer, receiver: RunningServer, config: BenchConfig, tool: Tool, connections: number): Promise<WebhookPostRow> {
  const load1 = loadavg()[0]!
  // the warm-up's deliveries are left out: the count is read after it, through the load's cpu hook
  let before: Promise<ReceiverStats> | undefined
  const clientele = await measure(tool, spec, { cpuSeconds: () => ((before ??= receiverStats(receiver)), server.cpuSeconds()) }, connections, config.warmup, config.duration)
  const [after, queueAfter] = await Promise.all([receiverStats(receiver), queueDepth(server.origin)])
  const row: WebhookPostRow = {
    label,
    clientele,
    customersPerSecond: clientele.rps * BATCH,
    delivered: after.count - (await before!).count,
    queueAfter,
    load1,
  }
  const failed = clientele.errors + clientele.non2xx
  print(
    `  ${label.padEnd(22)} ${Math.round(clientele.rps).toString().padStart(6)} req/s  p99 ${clientele.p99.toFixed(2).padStart(6)} ms` +
      `  ${clientele.cpuMsPerRequest.toFixed(3)} cpu-ms/req  ${Math.round(row.customersPerSecond).toLocaleString('en-US')} customers/s` +
      `  | ${row.delivered.toLocaleString('en-US')} delivered meanwhile; queue after: ${formatDepth(queueAfter)}` +
      `${failed > 0 ? `  (${clientele.errors} errors, ${clientele.non2xx} non-2xx)` : ''}  (load avg ${load1.toFixed(1)})`,
  )
  return row
}

/** POST 10 customers without a hook, then with one: the worker's cost to the API. */
async function benchPostWithHook(report: WebhookReport, spec: LoadSpec, storeUrl: string, store: SeededStore, server: RunningServer, receiver: RunningServer, config: BenchConfig, tool: Tool) {
  report.quietSeconds.push(await waitForQuiet(server.origin))
  report.noHook = await measurePost(`POST ${BATCH}, no hook`, spec, server, receiver, config, tool, config.connections)
  report.quietSeconds.push(await waitForQuiet(server.origin))
  await receiverStats(receiver, true)
  const hook = await createHook(storeUrl, store.token, receiver)
  try {
    report.withHook = await measurePost(`POST ${BATCH}, 1 hook`, spec, server, receiver, config, tool, config.connections)
  } finally {
    // its pending deliveries go with it; the events left undispatched are dispatched to no hook
    await deleteHook(storeUrl, store.token, hook).catch((error: Error) => print(`  (the hook could not be deleted: ${error.message})`))
  }
  report.ratio = report.withHook.customersPerSecond / report.noHook.customersPerSecond
  print(`  -> with the hook ${report.ratio.toFixed(2)} x the customers/s without`)
}

/** Creates `events` customers through the API with the hook active and times their deliveries. */
async function benchDelivery(report: WebhookReport, spec: LoadSpec, storeUrl: string, store: SeededStore, server: RunningServer, receiver: RunningServer, config: BenchConfig) {
  const events = config.webhookEvents
  const posts = Math.ceil(events / BATCH)
  const connections = Math.min(config.connections, posts)
  report.quietSeconds.push(await waitForQuiet(server.origin))
  await receiverStats(receiver, true)
  const hook = await createHook(storeUrl, store.token, receiver)
  const load1 = loadavg()[0]!
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  try {
    const cpuBefore = server.cpuSeconds()
    const firstWrite = at()
    let next = 0
    let failed = 0
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < posts) {
          next += 1
          if ((await post(spec.url, spec.headers, agent, nextBody(spec.body!))) !== 200) failed += 1
        }
      }),
    )
    const lastWrite = at()
    const cpuAtLastWrite = server.cpuSeconds()
    if (failed > 0) throw new Error(`${failed} of the ${posts} POSTs creating the events failed`)

    let stats = await receiverStats(receiver)
    const atLastWrite = stats.count
    let moved = performance.now()
    while (stats.count < events) {
      await sleep(20)
      const now = await receiverStats(receiver)
      if (now.count !== stats.count) moved = performance.now()
      stats = now
      if (performance.now() - moved > STALL_MS) break
    }
    const cpuAtEnd = server.cpuSeconds()
    const cpu = cpuAtEnd - cpuBefore
    const drained = stats.count - atLastWrite
    const first = stats.first ?? NaN
    const last = stats.last ?? NaN
    const firstToLastSeconds = (last - first) / 1000
    const drainEventsPerSecond = drained >= MIN_DRAINED ? drained / ((last - lastWrite) / 1000) : undefined
    const bare = await bareClient(receiver, sampleDelivery(store.storeHash), Math.min(events, 20_000))
    const delivery: DeliveryReport = {
      events,
      posts,
      connections,
      writeSeconds: (lastWrite - firstWrite) / 1000,
      delivered: stats.count,
      distinct: stats.distinct,
      firstToLastSeconds,
      eventsPerSecond: stats.count / firstToLastSeconds,
      lastWriteToLastDeliveryMs: last - lastWrite,
      firstWriteToFirstDeliveryMs: first - firstWrite,
      cpuMsPerEvent: (cpu * 1000) / stats.count,
      serverCores: cpu / ((last - firstWrite) / 1000),
      afterLastWrite: {
        delivered: drained,
        cpuMsPerEvent: drained > 0 ? ((cpuAtEnd - cpuAtLastWrite) * 1000) / drained : NaN,
        serverCores: (cpuAtEnd - cpuAtLastWrite) / ((last - lastWrite) / 1000),
      },
      ...(drainEventsPerSecond !== undefined ? { drainEventsPerSecond, ratio: drainEventsPerSecond / bare.eventsPerSecond } : {}),
      bare,
      ...(stats.count < events ? { incomplete: `${stats.count} of ${events} delivered; no delivery for ${STALL_MS / 1000} s, queue: ${formatDepth(await queueDepth(server.origin))}` } : {}),
      load1,
    }
    report.delivery = delivery
    print(
      `  delivery: ${events.toLocaleString('en-US')} events from ${posts.toLocaleString('en-US')} POSTs of ${BATCH} (${connections} conn, ${delivery.writeSeconds.toFixed(1)} s);` +
        ` ${stats.count.toLocaleString('en-US')} delivered (${(stats.count - stats.distinct).toLocaleString('en-US')} duplicates)` +
        ` in ${firstToLastSeconds.toFixed(2)} s first to last: ${Math.round(delivery.eventsPerSecond).toLocaleString('en-US')} events/s;` +
        ` first write -> first delivery ${delivery.firstWriteToFirstDeliveryMs.toFixed(0)} ms, last write -> last delivery ${(delivery.lastWriteToLastDeliveryMs / 1000).toFixed(2)} s;` +
        ` server ${delivery.cpuMsPerEvent.toFixed(3)} cpu-ms/event, ${delivery.serverCores.toFixed(2)} cores;` +
        ` after the last write ${drained.toLocaleString('en-US')} delivered at ${delivery.afterLastWrite.cpuMsPerEvent.toFixed(3)} cpu-ms each, ${delivery.afterLastWrite.serverCores.toFixed(2)} cores` +
        `${drainEventsPerSecond !== undefined ? `: ${Math.round(drainEventsPerSecond).toLocaleString('en-US')} events/s` : ''};` +
        ` bare client ${Math.round(bare.eventsPerSecond).toLocaleString('en-US')} requests/s${delivery.ratio !== undefined ? ` (${delivery.ratio.toFixed(2)} x)` : ''}  (load avg ${load1.toFixed(1)})`,
    )
    if (delivery.incomplete) print(`    INCOMPLETE: ${delivery.incomplete}`)
  } finally {
    agent.destroy()
    // a failure here would hide the one that brought the run here
    await deleteHook(storeUrl, store.token, hook).catch((error: Error) => print(`  (the hook could not be deleted: ${error.message})`))
  }
}

/** A delivery as the worker sends it: an envelope of a created customer and its Standard Webhooks headers. */
function sampleDelivery(storeHash: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    scope: 'store/customer/created',
    store_id: '1',
    data: { type: 'customer', id: 123456 },
    hash: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    created_at: Math.floor(Date.now() / 1000),
    producer: `stores/${storeHash}`,
  })
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Clientele-Webhooks',
      'webhook-id': 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    },
  }
}

/** POSTs `count` copies of the sample to the receiver over PER_ORIGIN keep-alive connections; the rate by the receiver's clock. */
async function bareClient(receiver: RunningServer, sample: { body: string; headers: Record<string, string> }, count: number): Promise<{ requests: number; eventsPerSecond: number }> {
  await receiverStats(receiver, true)
  const agent = new Agent({ keepAlive: true, maxSockets: PER_ORIGIN })
  const url = `${receiver.origin}/hook`
  let next = 0
  try {
    await Promise.all(
      Array.from({ length: PER_ORIGIN }, async () => {
        while (next < count) {
          next += 1
          const status = await post(url, sample.headers, agent, sample.body)
          if (status !== 200) throw new Error(`the receiver answered the bare client ${status}`)
        }
      }),
    )
  } finally {
    agent.destroy()
  }
  const stats = await receiverStats(receiver)
  return { requests: stats.count, eventsPerSecond: stats.count / (((stats.last ?? NaN) - (stats.first ?? NaN)) / 1000) }
}

/** The webhook measurements BENCH_SCENARIOS asks for (all by default), on the scenarios' server. */
export async function benchWebhooks(store: SeededStore, server: RunningServer, config: BenchConfig, tool: Tool, counter: { next: number }): Promise<WebhookReport | undefined> {
  const wanted = WEBHOOK_KEYS.filter((key) => !config.scenarios || config.scenarios.includes(key))
  if (wanted.length === 0 || store.backend !== 'sqlite') return undefined
  const postScenario = SCENARIOS.find((s) => s.key === 'post')!
  const spec = loadSpec(postScenario, store, server.origin, counter)
  const storeUrl = `${server.origin}/stores/${store.storeHash}/v3`
  print(`  webhooks: one ${HOOK_SCOPE} hook to a bare node:http receiver (200, no body); waiting for a quiet queue before each measurement`)
  const receiver = await startReceiver()
  const report: WebhookReport = { backend: 'sqlite', quietSeconds: [] }
  try {
    if (wanted.includes('post-hook')) await benchPostWithHook(report, spec, storeUrl, store, server, receiver, config, tool)
    if (wanted.includes('deliver')) await benchDelivery(report, spec, storeUrl, store, server, receiver, config)
  } finally {
    await receiver.stop()
  }
  return report
}
