// Counters for limits: fixed-window hit counts (request quotas, login abuse protection) and
// concurrency slots. One process keeps them in memory; several processes share them in Redis
// (redis-counter-store.ts), so that they enforce one quota between them. Callers see only this
// interface and never read-then-write: each operation is one atomic step of the store.

export interface WindowCount {
  /** hits on the key in the current window, this one included */
  count: number
  /** milliseconds until the window ends and the count starts again from 0 */
  resetMs: number
}

/** Gives a concurrency slot back; calling it more than once releases once. */
export type Release = () => Promise<void>

export interface CounterStore {
  /** Counts one hit on `key` in its fixed window of `windowMs` (the first hit opens the window). */
  hit(key: string, windowMs: number): Promise<WindowCount>
  /**
   * Takes back one hit of `key`'s open window (an attempt that turned out well, for limits that
   * count failures); nothing when the window has ended.
   */
  refund(key: string): Promise<void>
  /**
   * Takes one of `limit` slots of `key`, or answers null when all are taken. A slot not released
   * within `leaseMs` (a process that died holding it) frees itself.
   */
  acquire(key: string, limit: number, leaseMs: number): Promise<Release | null>
  /** Throws when the store cannot be reached (the readiness check). */
  ping(): Promise<void>
  close(): Promise<void>
}

/** Wraps a release so that only its first call counts. */
export function once(release: () => Promise<void>): Release {
  let released = false
  return async () => {
    if (released) return
    released = true
    await release()
  }
}

interface Window {
  count: number
  endsAt: number
}

/** Expired windows are dropped every this many hits, so a long-running process keeps a bounded map. */
const SWEEP_EVERY = 1_000

/** The single-process store. Slots need no lease here: they die with the process that holds them. */
export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, Window>()
  private readonly slots = new Map<string, number>()
  private hits = 0

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now()
    if (++this.hits % SWEEP_EVERY === 0) this.sweep(now)
    let window = this.windows.get(key)
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs }
      this.windows.set(key, window)
    }
    window.count += 1
    return { count: window.count, resetMs: window.endsAt - now }
  }

  async refund(key: string): Promise<void> {
    const window = this.windows.get(key)
    if (window && window.endsAt > this.now() && window.count > 0) window.count -= 1
  }

  async acquire(key: string, limit: number): Promise<Release | null> {
    const held = this.slots.get(key) ?? 0
    if (held >= limit) return null
    this.slots.set(key, held + 1)
    return once(async () => {
      const left = (this.slots.get(key) ?? 1) - 1
      if (left > 0) this.slots.set(key, left)
      else this.slots.delete(key)
    })
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.windows.clear()
    this.slots.clear()
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key)
  }
}
