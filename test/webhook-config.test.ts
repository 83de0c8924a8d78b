import { describe, expect, it } from 'vitest'
import { BIGCOMMERCE_RETRY_SCHEDULE, loadConfig } from '../src/core/config.js'

// The delivery worker's settings (docs/DEPLOYMENT.md "Webhook delivery").

describe('webhook delivery settings', () => {
  it("defaults to BigCommerce's retry schedule and the documented caps", () => {
    expect(loadConfig({}).webhookDelivery).toEqual({
      enabled: true,
      pollMs: 200,
      timeoutMs: 10_000,
      retrySchedule: [...BIGCOMMERCE_RETRY_SCHEDULE],
      maxInFlight: 32,
      maxPerOrigin: 4,
      maxResponseBytes: 65_536,
      retentionMs: 7 * 24 * 3600 * 1000,
      maxEvents: 1_000_000,
      maxRetryingPerHook: 10_000,
    })
    expect(BIGCOMMERCE_RETRY_SCHEDULE).toEqual([60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400])
  })

  it.each([
    ['1,2,3', [1, 2, 3]],
    [' 0.5, 1 ,2 ', [0.5, 1, 2]],
    ['0', [0]],
  ])('WEBHOOK_RETRY_SCHEDULE=%s replaces the schedule', (text, schedule) => {
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: text }).webhookDelivery.retrySchedule).toEqual(schedule)
  })

  it.each(['1,,2', 'a', '-1', '1,2,'])('refuses WEBHOOK_RETRY_SCHEDULE=%s', (text) => {
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: text })).toThrow(
      `WEBHOOK_RETRY_SCHEDULE must be comma-separated non-negative seconds (e.g. 60,180,300), not "${text}"`,
    )
  })

  it('reads the caps, and refuses a zero timeout', () => {
    const config = loadConfig({
      WEBHOOK_DELIVERY: 'false', WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_MAX_IN_FLIGHT: '8',
      WEBHOOK_MAX_PER_ORIGIN: '2', WEBHOOK_MAX_RESPONSE_BYTES: '1024', WEBHOOK_RETENTION_HOURS: '24',
      WEBHOOK_MAX_EVENTS: '5000', WEBHOOK_MAX_RETRYING_PER_HOOK: '50',
    })
    expect(config.webhookDelivery).toMatchObject({
      enabled: false, pollMs: 50, timeoutMs: 2000, maxInFlight: 8, maxPerOrigin: 2, maxResponseBytes: 1024, retentionMs: 24 * 3600 * 1000,
      maxEvents: 5000, maxRetryingPerHook: 50,
    })
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '0' })).toThrow('WEBHOOK_TIMEOUT_MS must be a positive integer, not "0"')
  })
})
