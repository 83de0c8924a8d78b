import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryCounterStore, type CounterStore } from '../../src/core/counter-store.js'
import { redisCounters, testPrefix, testRedisUrl } from '../helpers/redis.js'

// The two counter stores behind quotas and concurrency caps answer alike: the same cases run on
// the in-memory store and on Redis (when a Redis answers; see test/helpers/redis.ts).

const redisUrl = await testRedisUrl()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const STORES: { name: string; open: () => Promise<CounterStore> }[] = [
  { name: 'memory', open: async () => new MemoryCounterStore() },
  ...(redisUrl ? [{ name: 'redis', open: () => redisCounters(redisUrl, testPrefix()) }] : []),
]

describe.each(STORES)('$name counter store', ({ open }) => {
  let store: CounterStore

  beforeAll(async () => {
    store = await open()
  })
  afterAll(() => store.close())

  it('counts hits in a window and tells the time left in it', async () => {
    const counts = []
    for (let i = 0; i < 3; i++) counts.push(await store.hit('window-a', 30_000))
    expect(counts.map((c) => c.count)).toEqual([1, 2, 3])
    for (const { resetMs } of counts) {
      expect(resetMs).toBeGreaterThan(29_000)
      expect(resetMs).toBeLessThanOrEqual(30_000)
    }
  })

  it('counts each key on its own', async () => {
    await store.hit('window-b', 30_000)
    expect((await store.hit('window-c', 30_000)).count).toBe(1)
  })

  it('starts from 1 again once the window is over', async () => {
    expect((await store.hit('window-short', 100)).count).toBe(1)
    expect((await store.hit('window-short', 100)).count).toBe(2)
    await sleep(150)
    expect((await store.hit('window-short', 100)).count).toBe(1)
  })

  it('hands out every count once under 200 simultaneous hits', async () => {
    const counts = await Promise.all(Array.from({ length: 200 }, () => store.hit('window-race', 30_000)))
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
  })

  it('takes back a refunded hit, keeping the window', async () => {
    await store.hit('refund-a', 30_000)
    await store.hit('refund-a', 30_000)
    await store.refund('refund-a')
    const next = await store.hit('refund-a', 30_000)
    expect(next.count).toBe(2)
    expect(next.resetMs).toBeGreaterThan(25_000)
  })

  it('never refunds below zero, nor a key never hit', async () => {
    await store.refund('refund-never')
    expect((await store.hit('refund-never', 30_000)).count).toBe(1)
    await store.refund('refund-never')
    await store.refund('refund-never')
    expect((await store.hit('refund-never', 30_000)).count).toBe(1)
  })

  it('gives out slots up to the limit, then null, and a released slot again', async () => {
    const first = await store.acquire('slots-a', 2, 60_000)
    const second = await store.acquire('slots-a', 2, 60_000)
    expect([first, second].every((release) => typeof release === 'function')).toBe(true)
    expect(await store.acquire('slots-a', 2, 60_000)).toBeNull()
    await first!()
    const third = await store.acquire('slots-a', 2, 60_000)
    expect(third).not.toBeNull()
    await second!()
    await third!()
  })

  it('releases a slot once, however often its release is called', async () => {
    const held = await store.acquire('slots-b', 2, 60_000)
    const release = await store.acquire('slots-b', 2, 60_000)
    await release!()
    await release!()
    expect(await store.acquire('slots-b', 2, 60_000)).not.toBeNull()
    expect(await store.acquire('slots-b', 2, 60_000)).toBeNull()
    await held!()
  })

  it('never gives out more slots than the limit to simultaneous takers', async () => {
    const taken = await Promise.all(Array.from({ length: 50 }, () => store.acquire('slots-race', 3, 60_000)))
    expect(taken.filter((release) => release !== null)).toHaveLength(3)
  })

  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined()
  })
})

describe.skipIf(!redisUrl)('redis counter store: leases', () => {
  it('frees the slot of a holder that never released it once its lease is over (a node that died)', async () => {
    const prefix = testPrefix()
    const dead = await redisCounters(redisUrl!, prefix)
    const alive = await redisCounters(redisUrl!, prefix)
    try {
      expect(await dead.acquire('slots', 1, 150)).not.toBeNull()
      await dead.close()
      expect(await alive.acquire('slots', 1, 150)).toBeNull()
      await sleep(200)
      expect(await alive.acquire('slots', 1, 150)).not.toBeNull()
    } finally {
      await alive.close()
    }
  })
})

describe('memory counter store: windows', () => {
  it('measures windows on the clock it is given', async () => {
    let now = 1_000
    const store = new MemoryCounterStore(() => now)
    expect(await store.hit('k', 30_000)).toEqual({ count: 1, resetMs: 30_000 })
    now += 29_999
    expect(await store.hit('k', 30_000)).toEqual({ count: 2, resetMs: 1 })
    now += 1
    expect(await store.hit('k', 30_000)).toEqual({ count: 1, resetMs: 30_000 })
  })
})
