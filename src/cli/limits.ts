import { InvalidArgumentError, Option, type Command } from 'commander'
import { formatRateLimit, PLAN_NAMES, PLANS, WINDOW_MS, type PlanName, type RateLimit } from '../core/rate-limit-plans.js'
import * as limits from '../stores/rate-limits.js'
import { StoreAdminError } from '../stores/lookup.js'
import { jsonOption, print, withDatabase } from './shared.js'

// `clientele limits ...`: a store's request quota (docs/COMPATIBILITY.md "Limits"): one of
// BigCommerce's plans or custom figures. A store without one has DEFAULT_RATE_LIMIT.

function wholeNumber(text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number')
  return n
}

function figures(limit: { plan: PlanName | null; quota: number; window_ms: number; unlimited: boolean }): string {
  if (limit.unlimited) return 'unlimited'
  const custom = `${limit.quota} requests per ${limit.window_ms} ms`
  return limit.plan ? `${limit.plan} (${custom})` : custom
}

function describe(limit: limits.StoreRateLimit): string {
  return `${limit.store_hash}\t${figures(limit)}${limit.source === 'default' ? '\t(default)' : ''}`
}

interface SetOptions {
  plan?: PlanName
  quota?: number
  windowMs?: number
  json?: boolean
}

function requested(options: SetOptions): RateLimit {
  if (options.plan !== undefined && (options.quota !== undefined || options.windowMs !== undefined)) {
    throw new StoreAdminError('invalid', 'give --plan, or --quota (and --window-ms), not both')
  }
  if (options.plan !== undefined) return PLANS[options.plan]
  if (options.quota === undefined) throw new StoreAdminError('invalid', 'give --plan or --quota')
  return { quota: options.quota, windowMs: options.windowMs ?? WINDOW_MS }
}

export function registerLimitCommands(program: Command): void {
  const limitsCommand = program.command('limits').description("manage stores' request quotas (X-Rate-Limit-* headers, 429 past the quota)")

  limitsCommand
    .command('set <hash>')
    .description('give a store a quota of its own, shared by all its API accounts: a plan, or custom figures')
    .addOption(new Option('--plan <name>', 'a BigCommerce plan: standard and plus 150, pro and enterprise 450 per 30 s; unlimited').choices(PLAN_NAMES))
    .option('--quota <n>', 'requests per window', wholeNumber)
    .option('--window-ms <ms>', `window length in milliseconds (default ${WINDOW_MS})`, wholeNumber)
    .addOption(jsonOption())
    .action((hash: string, options: SetOptions) => {
      const limit = requested(options)
      return withDatabase(async (db) => {
        const set = await limits.setRateLimit(db, hash, limit)
        print(options.json ? JSON.stringify(set) : describe(set))
      })
    })

  limitsCommand
    .command('show [hash]')
    .description("the quota a store's requests are counted against; without a hash, every store with its own, and the default")
    .addOption(jsonOption())
    .action((hash: string | undefined, options: { json?: boolean }) =>
      withDatabase(async (db, config) => {
        if (hash !== undefined) {
          const limit = await limits.getRateLimit(db, hash, config.defaultRateLimit)
          print(options.json ? JSON.stringify(limit) : describe(limit))
          return
        }
        const list = await limits.listRateLimits(db)
        if (options.json) {
          print(JSON.stringify(list))
          return
        }
        for (const limit of list) print(describe(limit))
        print(`every other store\t${formatRateLimit(config.defaultRateLimit)}\t(DEFAULT_RATE_LIMIT)`)
      }),
    )

  limitsCommand
    .command('clear <hash>')
    .alias('off')
    .description("drop a store's own quota: it has the default (DEFAULT_RATE_LIMIT) again")
    .action((hash: string) =>
      withDatabase(async (db, config) => {
        print(describe(await limits.clearRateLimit(db, hash, config.defaultRateLimit)))
      }),
    )
}
