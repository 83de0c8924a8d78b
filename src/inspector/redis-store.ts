import type { Redis } from 'ioredis'
import { BodyCutter } from './bodies.js'
import type { Entry, Recorded } from './entry.js'
import type { Listener, RequestStore } from './store.js'

// The entries of every node, in Redis: a capped list per store, newest first, and a pub/sub
// channel per store for the live streams, so an SSE client on any node sees every node's requests.
// Recording is one script, sent without waiting for its answer: it takes the store's next id
// (INCR), puts the id into the entry's JSON, pushes it, trims the list to the capacity and
// publishes it, atomically, so the list and every channel see ids in order. A failure (Redis
// away: commands fail at once, see core/redis.ts) loses that entry and is counted by the caller;
// the request never waits for it or fails with it.

// KEYS: the id counter, the list. ARGV: the entry's JSON without its id (`{"time":...}`), the
// capacity, the channel, how long an idle store's keys live (ms).
const RECORD = `
local id = redis.call('INCR', KEYS[1])
local entry = '{"id":' .. id .. ',' .. string.sub(ARGV[1], 2)
redis.call('LPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[3], entry)
return id
`

/** A store nobody sent a request to for this long has its keys expire (a deleted store's too). */
const IDLE_TTL_MS = 7 * 24 * 3600 * 1000

interface RecordScript {
  clienteleInspectorRecord(seqKey: string, listKey: string, json: string, capacity: number, channel: string, ttlMs: number): Promise<number>
}

export interface RedisRequestStoreOptions {
  capacity: number
  bodyLimit: number
  /** put before every key and channel (REDIS_KEY_PREFIX) */
  prefix?: string
}

export class RedisRequestStore implements RequestStore {
  readonly capacity: number
  readonly bodyLimit: number
  private readonly cutter: BodyCutter
  private readonly redis: Redis & RecordScript
  private readonly prefix: string
  /** the connection in subscriber mode, opened for the first live stream */
  private subscriber: Redis | undefined
  private readonly listeners = new Map<string, Set<Listener>>()

  /** Uses a connection opened by core/redis.ts's connectRedis, which it leaves open: its owner closes it. */
  constructor(redis: Redis, options: RedisRequestStoreOptions) {
    redis.defineCommand('clienteleInspectorRecord', { numberOfKeys: 2, lua: RECORD })
    this.redis = redis as Redis & RecordScript
    this.capacity = options.capacity
    this.bodyLimit = options.bodyLimit
    this.cutter = new BodyCutter(options.bodyLimit)
    this.prefix = options.prefix ?? 'clientele:'
  }

  private key(hash: string, what: 'seq' | 'entries' | 'live'): string {
    // The hash tag keeps a store's keys in one slot of a cluster.
    return `${this.prefix}inspector:{${hash}}:${what}`
  }

  record(hash: string, recorded: Recorded): Promise<number> {
    const entry: Omit<Entry, 'id'> = { ...recorded, request: this.cutter.exchange(recorded.request), response: this.cutter.exchange(recorded.response) }
    return this.redis.clienteleInspectorRecord(
      this.key(hash, 'seq'), this.key(hash, 'entries'), JSON.stringify(entry), this.capacity, this.key(hash, 'live'), IDLE_TTL_MS,
    )
  }

  async list(hash: string): Promise<Entry[]> {
    const texts = await this.redis.lrange(this.key(hash, 'entries'), 0, this.capacity - 1)
    return texts.map((text) => JSON.parse(text) as Entry)
  }

  async lastId(hash: string): Promise<number> {
    return Number((await this.redis.get(this.key(hash, 'seq'))) ?? 0)
  }

  async clear(hash: string): Promise<void> {
    await this.redis.del(this.key(hash, 'entries'))
  }

  async subscribe(hash: string, listener: Listener): Promise<() => void> {
    const channel = this.key(hash, 'live')
    let listeners = this.listeners.get(channel)
    if (!listeners) {
      listeners = new Set()
      this.listeners.set(channel, listeners)
    }
    listeners.add(listener)
    try {
      // SUBSCRIBE again for each stream: it answers once the channel is subscribed, which is the moment this promise promises.
      await this.subscriberConnection().subscribe(channel)
    } catch (error) {
      this.unsubscribe(channel, listener)
      throw error
    }
    return () => this.unsubscribe(channel, listener)
  }

  private unsubscribe(channel: string, listener: Listener): void {
    const listeners = this.listeners.get(channel)
    if (!listeners) return
    listeners.delete(listener)
    if (listeners.size > 0) return
    this.listeners.delete(channel)
    this.subscriber?.unsubscribe(channel).catch(() => {})
  }

  private subscriberConnection(): Redis {
    if (this.subscriber) return this.subscriber
    // A connection of its own (one in subscriber mode runs no other command), which waits for
    // Redis to come back rather than failing, and subscribes again when it does.
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null })
    subscriber.on('error', () => {})
    subscriber.on('message', (channel: string, json: string) => {
      const listeners = this.listeners.get(channel)
      if (!listeners) return
      const entry = JSON.parse(json) as Entry
      for (const listener of listeners) listener(entry, json)
    })
    this.subscriber = subscriber
    return subscriber
  }

  async close(): Promise<void> {
    this.listeners.clear()
    const subscriber = this.subscriber
    this.subscriber = undefined
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect())
  }
}
