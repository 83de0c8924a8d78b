import type { CounterStore } from '../../core/counter-store.js'
import { tooManyLoginFailures } from '../../core/errors.js'

// validate-credentials' own limit (BEHAVIOUR 3.7, 10: "special rate limiting protections"):
// failed attempts are counted per email and per client address, in one store, in fixed windows;
// an attempt past either limit is a 429 with X-Retry-After, before any password is tried.
// Each attempt is counted before it is tried and refunded when it succeeds, so concurrent
// guesses cannot slip past the limit together, and a success takes back only its own attempt:
// it never clears the failures an attacker ran up against other emails from the same address.
// The counts live in the app's counter store: in memory, or in Redis (shared by every node) when
// REDIS_URL is set.

export interface LoginLimits {
  /** failed attempts one email may have in a window; 0: no limit */
  perEmail: number
  /** failed attempts one client address may have in a window; 0: no limit */
  perClient: number
  windowMs: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perEmail: 5, perClient: 100, windowMs: 300_000 }

/** Takes back an attempt that succeeded. */
export type Refund = () => Promise<void>

export class LoginGuard {
  constructor(
    private readonly counter: CounterStore,
    private readonly limits: LoginLimits,
  ) {}

  /** Counts an attempt on `emailKey` (lower-cased) from `client`; throws the 429 when it is one too many. */
  async admit(storeId: number, emailKey: string, client: string): Promise<Refund> {
    const counted = [
      { key: `login:${storeId}:email:${emailKey}`, limit: this.limits.perEmail },
      { key: `login:${storeId}:client:${client}`, limit: this.limits.perClient },
    ].filter(({ limit }) => limit > 0)
    // As with the request quota (src/core/limits.ts), a counter store that cannot be reached
    // (Redis away) lets the attempt through uncounted rather than failing every login.
    const counts = await Promise.all(counted.map(({ key }) => this.counter.hit(key, this.limits.windowMs))).catch(() => undefined)
    if (!counts) return async () => {}
    const waits = counts.filter((count, i) => count.count > counted[i]!.limit).map((count) => count.resetMs)
    if (waits.length > 0) throw tooManyLoginFailures(Math.max(1, Math.ceil(Math.max(...waits) / 1000)))
    return async () => {
      await Promise.all(counted.map(({ key }) => this.counter.refund(key))).catch(() => undefined)
    }
  }
}
