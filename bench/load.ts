import autocannon from 'autocannon'
import { createBody, updateBody } from './fake-customers.js'
import { loginBody, metafieldsBody } from './metafield-login-bodies.js'
import { expectsError, type BodySpec, type LoadResult, type LoadSpec, type RawResult, type Tool } from './load-spec.js'
import { runWrk, wrkAvailable } from './wrk.js'

// One measurement: N connections, each sending its next request as soon as the previous
// response arrives (closed loop), for a fixed time. wrk drives the load when it is installed
// (a C program: it leaves more of the CPU to the server); otherwise autocannon, in this process.

export type { BodyKind, BodySpec, LoadResult, LoadSpec, RawResult, Tool } from './load-spec.js'

export function chooseTool(forced: Tool | undefined): Tool {
  return forced ?? (wrkAvailable() ? 'wrk' : 'autocannon')
}

/** The body of the next request of this spec, taking a fresh request number. */
export function nextBody(body: BodySpec): string {
  const n = body.counter.next++
  switch (body.kind) {
    case 'create': return createBody(body.pools, n, body.size)
    case 'update': return updateBody(body.pools, n, body.size, body.seeded)
    case 'metafields': return metafieldsBody(n, body.size, body.seeded)
    case 'login': return loginBody(body.logins, n)
  }
}

/** Runs unrecorded load for `seconds`. */
export async function warmUp(tool: Tool, spec: LoadSpec, connections: number, seconds: number): Promise<void> {
  await (tool === 'wrk' ? runWrk : runAutocannon)(spec, connections, seconds)
}

/** Runs unrecorded load for `warmup` seconds, then records `duration` seconds of it. */
export async function measure(
  tool: Tool,
  spec: LoadSpec,
  server: { cpuSeconds(): number },
  connections: number,
  warmup: number,
  duration: number,
): Promise<LoadResult> {
  const run = tool === 'wrk' ? runWrk : runAutocannon
  await run(spec, connections, warmup)
  const cpuBefore = server.cpuSeconds()
  const result = await run(spec, connections, duration)
  const cpu = server.cpuSeconds() - cpuBefore
  return { ...result, cpuMsPerRequest: (cpu * 1000) / result.requests, serverCores: cpu / result.seconds }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function runAutocannon(spec: LoadSpec, connections: number, seconds: number): Promise<RawResult> {
  const body = spec.body
  const error = expectsError(spec)
  const expected = (status: number) => (error ? status === spec.expectedStatus : status >= 200 && status < 300)
  // autocannon's own latency histogram counts whole milliseconds; record each response's time
  // (a float, ms) here instead, for sub-millisecond percentiles.
  const latencies: number[] = []
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method,
        headers: spec.headers,
        connections,
        duration: seconds,
        ...(body ? { requests: [{ setupRequest: (request) => ({ ...request, body: nextBody(body) }) }] } : {}),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    )
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (expected(status)) latencies.push(responseTime)
    })
  })
  const sorted = Float64Array.from(latencies).sort()
  const requests = result.requests.total
  const statuses: Record<string, number> = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count ?? 0]))
  const answered = error ? (statuses[spec.expectedStatus] ?? 0) : requests - result.non2xx
  return {
    tool: 'autocannon',
    requests,
    seconds: result.duration,
    rps: answered / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: result.errors + result.timeouts,
    non2xx: requests - answered,
    statuses,
  }
}
