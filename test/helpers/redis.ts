import { randomUUID } from 'node:crypto'
import { createConnection } from 'node:net'
import { RedisCounterStore } from '../../src/core/redis-counter-store.js'

// Redis for the tests of counters shared between nodes: TEST_REDIS_URL (CI sets it, and then it
// must answer), else a local Redis on the default port when one answers; otherwise those tests
// are skipped, and say so.

const LOCAL = 'redis://127.0.0.1:6379'

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379), timeout: 500 })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
    socket.once('error', () => resolve(false))
  })
}

/** The Redis to test against, or undefined (with a note on stderr) when there is none. */
export async function testRedisUrl(): Promise<string | undefined> {
  const given = process.env.TEST_REDIS_URL
  if (given) {
    if (!(await answers(given))) throw new Error(`TEST_REDIS_URL=${given} does not answer`)
    return given
  }
  if (await answers(LOCAL)) return LOCAL
  process.stderr.write(`Redis tests: SKIPPED (TEST_REDIS_URL is not set and nothing answers on ${LOCAL})\n`)
  return undefined
}

/** A key prefix of one test's own, so tests (and runs) sharing a Redis never count together. */
export const testPrefix = () => `clientele-test:${randomUUID()}:`

/** A connection to Redis with this prefix; several with one prefix act as several nodes. */
export function redisCounters(url: string, prefix: string): Promise<RedisCounterStore> {
  return RedisCounterStore.connect(url, { prefix })
}
