// Counts attempts per key in fixed windows, for limits that must count only the attempts that
// fail, without a race: an attempt is counted before it is tried (so concurrent attempts cannot
// all pass a check that none of them has updated yet) and refunded when it turns out well. One
// process keeps the counts in memory; a shared store (Redis: INCR with PEXPIRE, and DECR) can
// take its place behind this interface.

export interface AttemptCount {
  /** attempts on the key in the current window, this one included */
  count: number
  /** milliseconds until the window ends and the count starts again from 0 */
  resetMs: number
}

export interface AttemptCounter {
  /** Counts one attempt on `key` in its fixed window of `windowMs` (the first attempt opens the window). */
  hit(key: string, windowMs: number): Promise<AttemptCount>
  /** Takes back one attempt of `key`'s open window (one that succeeded); nothing when the window has ended. */
  refund(key: string): Promise<void>
}

interface Window {
  count: number
  endsAt: number
}

/** Ended windows are dropped every this many hits, so a long-running process keeps a bounded map. */
const SWEEP_EVERY = 1_000

export class MemoryAttemptCounter implements AttemptCounter {
  private readonly windows = new Map<string, Window>()
  private hits = 0

  /** `now`: milliseconds since the epoch; the app's clock, so tests can move time. */
  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<AttemptCount> {
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

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key)
  }
}
