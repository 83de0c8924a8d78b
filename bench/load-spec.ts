import type { LoadPools } from './fake-customers.js'
import type { LoginPool } from './metafield-login-bodies.js'

// What one measurement is asked to do and what it gives back, shared by the two load tools (load.ts, wrk.ts).

export type Tool = 'wrk' | 'autocannon'

/**
 * What a request body holds: new customers (POST /customers), edits of seeded ones (PUT
 * /customers), new metafields of seeded customers (batch POST /customers/metafields), or a
 * seeded login (POST /customers/validate-credentials).
 */
export type BodyKind = 'create' | 'update' | 'metafields' | 'login'

/** Request bodies, described as data so both tools can generate them. */
export interface BodySpec {
  kind: BodyKind
  /** items per request (customers or metafields; 1 for a login) */
  size: number
  /** customers seeded (ids 1..seeded exist), for updates and metafields */
  seeded: number
  pools: LoadPools
  /** the logins a 'login' body takes in turn */
  logins: LoginPool
  /**
   * Request numbers handed out so far in this database. Every request takes a fresh one, so
   * created emails never repeat across warm-ups, captures and measurements.
   */
  counter: { next: number }
}

export interface LoadSpec {
  url: string
  method: 'GET' | 'POST' | 'PUT'
  headers: Record<string, string>
  body?: BodySpec
  /** the status every answer must have: 200 counts any 2xx as throughput, a status of 400 or more that status only */
  expectedStatus: number
}

/**
 * Whether the throughput is the answers of one error status rather than the 2xx ones. No other
 * expectation can be measured: wrk counts apart only the statuses above 399, all together.
 */
export function expectsError(spec: LoadSpec): boolean {
  if (spec.expectedStatus === 200) return false
  if (spec.expectedStatus >= 400) return true
  throw new Error(`expected status ${spec.expectedStatus}: only 200 (any 2xx) or a status of 400 or more can be measured`)
}

export interface LoadResult {
  tool: Tool
  /** responses received, whatever their status */
  requests: number
  seconds: number
  /**
   * answers with the expected status (any 2xx, or the one error status expected) per second:
   * refused requests (429s, errors) do not count as throughput
   */
  rps: number
  /** latency percentiles of the answers with the expected status (wrk: of all responses), milliseconds */
  p50: number
  p99: number
  /** connection errors and timeouts */
  errors: number
  /**
   * answers without the expected status: outside 2xx (wrk: 4xx and 5xx), or, when an error status
   * is expected, any other status (wrk: below 400)
   */
  non2xx: number
  /** responses by status code (autocannon only) */
  statuses?: Record<string, number>
  /** server process CPU per completed request, milliseconds (PostgreSQL's own processes not included) */
  cpuMsPerRequest: number
  /** cores the server process kept busy on average: well under 1 on a shared machine means it waited for CPU */
  serverCores: number
}

/** A measurement as a load tool returns it, before the server's CPU is added. */
export type RawResult = Omit<LoadResult, 'cpuMsPerRequest' | 'serverCores'>
