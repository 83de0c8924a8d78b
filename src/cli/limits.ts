import { InvalidArgumentError, type Command } from 'commander'
import * as limits from '../stores/rate-limits.js'
import { jsonOption, print, withDatabase } from './shared.js'

// `clientele limits ...`: a store's request quota (docs/COMPATIBILITY.md "Limits"). Stores have
// none until one is set, the dev store included.

function wholeNumber(text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number')
  return n
}

function describe(limit: limits.StoreRateLimit): string {
  return limit.enabled ? `${limit.store_hash}\t${limit.quota} requests per ${limit.window_ms} ms` : `${limit.store_hash}\tnot limited`
}

export function registerLimitCommands(program: Command): void {
  const limitsCommand = program.command('limits').description("manage stores' request quotas (X-Rate-Limit-* headers, 429 past the quota)")

  limitsCommand
    .command('set <hash>')
    .description('limit a store to QUOTA requests per window, shared by all its API accounts')
    .requiredOption('--quota <n>', 'requests per window (BigCommerce: 150, or 450 on Pro)', wholeNumber)
    .option('--window-ms <ms>', 'window length in milliseconds', wholeNumber, 30_000)
    .addOption(jsonOption())
    .action((hash: string, options: { quota: number; windowMs: number; json?: boolean }) =>
      withDatabase(async (db) => {
        const limit = await limits.setRateLimit(db, hash, { quota: options.quota, windowMs: options.windowMs })
        print(options.json ? JSON.stringify(limit) : describe(limit))
      }),
    )

  limitsCommand
    .command('show [hash]')
    .description("a store's quota, or every limited store")
    .addOption(jsonOption())
    .action((hash: string | undefined, options: { json?: boolean }) =>
      withDatabase(async (db) => {
        const list = hash === undefined ? await limits.listRateLimits(db) : [await limits.getRateLimit(db, hash)]
        if (options.json) {
          print(JSON.stringify(hash === undefined ? list : list[0]))
          return
        }
        if (list.length === 0) print('no store has a quota')
        for (const limit of list) print(describe(limit))
      }),
    )

  limitsCommand
    .command('off <hash>')
    .description("lift a store's quota")
    .action((hash: string) =>
      withDatabase(async (db) => {
        print(describe(await limits.clearRateLimit(db, hash)))
      }),
    )
}
