import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/core/config.js'
import { formatRateLimit, parseRateLimit, PLANS, UNLIMITED_QUOTA } from '../../src/core/rate-limit-plans.js'

// DEFAULT_RATE_LIMIT's text forms: requests/window with a unit, or a plan's name; anything else
// stops the process at start with a sentence naming the variable.

describe('DEFAULT_RATE_LIMIT', () => {
  it('is unlimited when unset or empty: a test suite never meets it unless it asks', () => {
    for (const env of [{}, { DEFAULT_RATE_LIMIT: '' }]) {
      expect(loadConfig(env).defaultRateLimit).toEqual({ quota: UNLIMITED_QUOTA, windowMs: 30_000, plan: 'unlimited', unlimited: true })
    }
  })

  it('reads requests per window in ms, s, m or h', () => {
    expect(loadConfig({ DEFAULT_RATE_LIMIT: '150/30s' }).defaultRateLimit).toEqual({ quota: 150, windowMs: 30_000 })
    expect(parseRateLimit('450/30000ms')).toEqual({ quota: 450, windowMs: 30_000 })
    expect(parseRateLimit(' 20000 / 1h ')).toEqual({ quota: 20_000, windowMs: 3_600_000 })
    expect(parseRateLimit('60/1m')).toEqual({ quota: 60, windowMs: 60_000 })
  })

  it("reads a plan's name, in any case", () => {
    expect(parseRateLimit('Pro')).toBe(PLANS.pro)
    expect(parseRateLimit('standard')).toEqual({ quota: 150, windowMs: 30_000, plan: 'standard' })
    expect(parseRateLimit('unlimited').unlimited).toBe(true)
  })

  it('refuses what it cannot read, naming the variable and the forms it takes', () => {
    expect(() => loadConfig({ DEFAULT_RATE_LIMIT: '150' })).toThrow(
      'DEFAULT_RATE_LIMIT: "150" is not a quota: give requests/window (e.g. 150/30s, 450/30000ms) or a plan (standard, plus, pro, enterprise, unlimited)',
    )
    expect(() => loadConfig({ DEFAULT_RATE_LIMIT: '0/30s' })).toThrow('DEFAULT_RATE_LIMIT: "0/30s": quota must be an integer from 1 to 2147483647')
    expect(() => loadConfig({ DEFAULT_RATE_LIMIT: '5/50ms' })).toThrow('window must be an integer number of milliseconds from 100 to 86400000')
  })

  it('prints back as it reads', () => {
    for (const text of ['pro', 'unlimited', '150/30000ms']) expect(formatRateLimit(parseRateLimit(text))).toBe(text)
  })
})
