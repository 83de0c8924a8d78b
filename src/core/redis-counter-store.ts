import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { once, type CounterStore, type Release, type WindowCount } from './counter-store.js'
import { connectRedis } from './redis.js'

// The counter store several processes share. Each operation is one Lua script, which Redis runs
// atomically: no process ever reads a count and writes it back. Time inside the scripts is the
// Redis server's own (TIME, PTTL), so nodes with drifting clocks still agree on every window.

// Counts a hit; the first hit of a window sets its expiry. A key found without one (a crash
// between two commands cannot happen inside a script, but an operator's SET can) gets it too.
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`

// Takes back one hit; a key that has expired (or was never hit) stays absent, and DECR keeps the
// window's expiry.
const REFUND = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0
`

// Slots are members of a sorted set scored by when their lease ends: leases of processes that
// died are dropped before counting, so a crash never keeps a slot taken for good.
const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

interface LimitScripts {
  clienteleHit(key: string, windowMs: number): Promise<[number, number]>
  clienteleRefund(key: string): Promise<number>
  clienteleAcquire(key: string, limit: number, leaseMs: number, member: string): Promise<number>
}

export interface RedisCounterOptions {
  /** put before every key, so several deployments (or test runs) can share one Redis */
  prefix?: string
}

export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis & LimitScripts
  private readonly prefix: string

  private constructor(redis: Redis, options: RedisCounterOptions) {
    redis.defineCommand('clienteleHit', { numberOfKeys: 1, lua: HIT })
    redis.defineCommand('clienteleRefund', { numberOfKeys: 1, lua: REFUND })
    redis.defineCommand('clienteleAcquire', { numberOfKeys: 1, lua: ACQUIRE })
    this.redis = redis as Redis & LimitScripts
    this.prefix = options.prefix ?? 'clientele:'
  }

  /** Connects, failing at once when Redis cannot be reached (a server should not start without it). */
  static async connect(url: string, options: RedisCounterOptions = {}): Promise<RedisCounterStore> {
    return new RedisCounterStore(await connectRedis(url), options)
  }

  /** The counters on a connection opened by connectRedis (the server shares it with the inspector); close() quits it. */
  static over(redis: Redis, options: RedisCounterOptions = {}): RedisCounterStore {
    return new RedisCounterStore(redis, options)
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, resetMs] = await this.redis.clienteleHit(this.prefix + key, windowMs)
    return { count: Number(count), resetMs: Number(resetMs) }
  }

  async refund(key: string): Promise<void> {
    await this.redis.clienteleRefund(this.prefix + key)
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<Release | null> {
    const member = randomUUID()
    const full = this.prefix + key
    const taken = await this.redis.clienteleAcquire(full, limit, leaseMs, member)
    if (Number(taken) !== 1) return null
    return once(async () => {
      await this.redis.zrem(full, member)
    })
  }

  async ping(): Promise<void> {
    await this.redis.ping()
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}
