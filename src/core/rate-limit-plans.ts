// What a request quota is, the named plans BigCommerce sells (BEHAVIOUR 10) and the text form
// `DEFAULT_RATE_LIMIT` and the CLI take. Every store has a quota: its own (stores/rate-limits.ts)
// or the deployment's default; the limits hook (limits.ts) announces it on every response.

export interface RateLimit {
  /** requests allowed per window, shared by every API account of the store */
  quota: number
  windowMs: number
  /** the plan it came from, when it is one of PLANS (a custom quota has none) */
  plan?: PlanName
  /** never runs out: the headers are sent, nothing is counted, nothing is refused */
  unlimited?: boolean
}

/** BigCommerce's window: the quota refills every 30 s. */
export const WINDOW_MS = 30_000

/**
 * What the headers announce for an unlimited quota: a figure no client paces itself against.
 * BigCommerce's Unlimited plan has no published figure; it has no request limit at all.
 */
export const UNLIMITED_QUOTA = 1_000_000

/** Bounds of what can be set: a window from 100 ms (tests) to a day, a quota that fits 32 bits. */
export const RATE_LIMIT_BOUNDS = { minWindowMs: 100, maxWindowMs: 86_400_000, maxQuota: 2_147_483_647 } as const

/**
 * BigCommerce's plans (BEHAVIOUR 10): Standard and Plus 150 per 30 s (20k an hour), Pro 450 per
 * 30 s (60k an hour). Enterprise quotas are set per contract; Pro's figure stands in for them
 * (set the contract's with a custom quota). Unlimited still answers with the headers.
 */
export const PLAN_NAMES = ['standard', 'plus', 'pro', 'enterprise', 'unlimited'] as const
export type PlanName = (typeof PLAN_NAMES)[number]

export const PLANS: Readonly<Record<PlanName, RateLimit>> = {
  standard: { quota: 150, windowMs: WINDOW_MS, plan: 'standard' },
  plus: { quota: 150, windowMs: WINDOW_MS, plan: 'plus' },
  pro: { quota: 450, windowMs: WINDOW_MS, plan: 'pro' },
  enterprise: { quota: 450, windowMs: WINDOW_MS, plan: 'enterprise' },
  unlimited: { quota: UNLIMITED_QUOTA, windowMs: WINDOW_MS, plan: 'unlimited', unlimited: true },
}

/** A quota a deployment gets unless it says otherwise: one that no test suite meets unasked. */
export const DEFAULT_PLAN: PlanName = 'unlimited'

export function isPlanName(text: string): text is PlanName {
  return (PLAN_NAMES as readonly string[]).includes(text)
}

export function rateLimitProblem(limit: { quota: number; windowMs: number }): string | undefined {
  const { minWindowMs, maxWindowMs, maxQuota } = RATE_LIMIT_BOUNDS
  if (!Number.isInteger(limit.quota) || limit.quota < 1 || limit.quota > maxQuota) return `quota must be an integer from 1 to ${maxQuota}`
  if (!Number.isInteger(limit.windowMs) || limit.windowMs < minWindowMs || limit.windowMs > maxWindowMs) {
    return `window must be an integer number of milliseconds from ${minWindowMs} to ${maxWindowMs}`
  }
  return undefined
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * `150/30s`, `450/30000ms`, `20000/1h`, or a plan's name (`pro`, `unlimited`). Throws a sentence
 * naming what was wrong, for the config loader and the CLI to show.
 */
export function parseRateLimit(text: string): RateLimit {
  const name = text.trim().toLowerCase()
  if (isPlanName(name)) return PLANS[name]
  const match = /^(\d+)\s*\/\s*(\d+)\s*(ms|s|m|h)$/.exec(name)
  if (!match) throw new Error(`"${text}" is not a quota: give requests/window (e.g. 150/30s, 450/30000ms) or a plan (${PLAN_NAMES.join(', ')})`)
  const limit = { quota: Number(match[1]), windowMs: Number(match[2]) * UNITS[match[3]!]! }
  const problem = rateLimitProblem(limit)
  if (problem) throw new Error(`"${text}": ${problem}`)
  return limit
}

/** The text form parseRateLimit reads back: the plan's name, or `quota/windowms`. */
export function formatRateLimit(limit: RateLimit): string {
  return limit.plan ?? `${limit.quota}/${limit.windowMs}ms`
}

/** A stored quota (the rate_limits row) as the limits hook takes it. */
export function rateLimitOf(row: { quota: number; window_ms: number; plan: string | null }): RateLimit {
  const limit: RateLimit = { quota: row.quota, windowMs: row.window_ms }
  if (row.plan !== null && isPlanName(row.plan)) {
    limit.plan = row.plan
    if (PLANS[row.plan].unlimited) limit.unlimited = true
  }
  return limit
}
