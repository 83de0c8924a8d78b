import { Redis } from 'ioredis'

// The one Redis connection a node opens when REDIS_URL is set: the limit counters
// (redis-counter-store.ts) and the request inspector's shared entries both go through it.

/**
 * Connects, failing at once when Redis cannot be reached (a server should not start without it).
 * A command never waits for Redis to come back: while it is away commands fail at once, and each
 * user decides what that means (the limits let the request through; the inspector drops the entry).
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
  })
  // ioredis reports each failed reconnection as an 'error' event; without a listener Node
  // would treat it as an uncaught error. The failing commands are what the users act on.
  redis.on('error', () => {})
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    throw new Error(`cannot connect to Redis at ${safeUrl(url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  return redis
}

/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.password = ''
    return parsed.toString()
  } catch {
    return 'the configured URL'
  }
}
