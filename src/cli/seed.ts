import { InvalidArgumentError, Option, type Command } from 'commander'
import { SingleBar, Presets } from 'cli-progress'
import { SEED_LOCALE_NAMES, type SeedLocaleName } from '../seed/locales.js'
import { DEFAULT_SEED_PLAN, SEED_LIMITS, type SeedPlan, type SeedProgress } from '../seed/plan.js'
import type { SeedSummary } from '../seed/seed-store.js'
import { print, withDatabase } from './shared.js'

// `clientele seed`: a store full of believable data in one command (docs/SEEDING.md). A bar on a
// terminal, a line per transaction otherwise (CI logs), and a summary at the end. The engine (and
// faker, ~40 MB and 130 ms with its locales) is loaded when the command runs, not by every command.

const count = (name: string, max: number) => (text: string) => {
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${max}`)
  return n
}

interface SeedOptions {
  store: string
  customers: number
  addresses: number
  attributes: number
  formFields?: boolean
  customerMetafields: number
  cartMetafields: number
  channels: number
  consent?: boolean
  instruments: number
  locale: SeedLocaleName
  seed?: number
  password?: string
  owner?: string
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('fill a store with realistic customers and what hangs off them (made when missing; emits no webhook events)')
    .requiredOption('--store <hash>', 'the store to seed')
    .requiredOption('--customers <n>', 'customers to add', count('--customers', SEED_LIMITS.customers))
    .option('--addresses <n>', 'addresses per customer', count('--addresses', SEED_LIMITS.addresses), DEFAULT_SEED_PLAN.addresses)
    .option('--attributes <n>', 'customer attributes to define, with a value of each per customer', count('--attributes', 8), DEFAULT_SEED_PLAN.attributes)
    .option('--form-fields', 'define a customer and an address form field, with a value of each')
    .option('--customer-metafields <n>', 'metafields per customer', count('--customer-metafields', SEED_LIMITS.customerMetafields), DEFAULT_SEED_PLAN.customerMetafields)
    .option('--cart-metafields <n>', 'cart metafields in all (two per cart)', count('--cart-metafields', SEED_LIMITS.cartMetafields), DEFAULT_SEED_PLAN.cartMetafields)
    .option('--channels <n>', 'channels to add besides the default one; customers come from all of them', count('--channels', SEED_LIMITS.channels), DEFAULT_SEED_PLAN.channels)
    .option('--consent', "write every customer's consent (a random choice of categories)")
    .option('--instruments <n>', 'stored payment instruments per customer', count('--instruments', SEED_LIMITS.instruments), DEFAULT_SEED_PLAN.instruments)
    .addOption(new Option('--locale <locale>', 'names, addresses and phone numbers of this locale').choices(SEED_LOCALE_NAMES).default(DEFAULT_SEED_PLAN.locale))
    .option('--seed <n>', 'the random seed: the same seed makes the same data (default: a new one each run)', count('--seed', 2 ** 32 - 1))
    .option('--password <password>', 'every seeded customer\'s password, so validate-credentials can log them in (hashed once)')
    .option('--owner <client-id>', 'the API account owning the metafields (default: the store\'s first)')
    .action((options: SeedOptions) =>
      withDatabase(async (db) => {
        const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32)
        const plan: SeedPlan = {
          storeHash: options.store,
          customers: options.customers,
          addresses: options.addresses,
          attributes: options.attributes,
          formFields: options.formFields === true,
          customerMetafields: options.customerMetafields,
          cartMetafields: options.cartMetafields,
          channels: options.channels,
          consent: options.consent === true,
          instruments: options.instruments,
          locale: options.locale,
          seed,
          ...(options.password === undefined ? {} : { password: options.password }),
          ...(options.owner === undefined ? {} : { owner: options.owner }),
        }
        const { seedStore } = await import('../seed/seed-store.js')
        const progress = process.stderr.isTTY ? barProgress() : lineProgress()
        let summary: SeedSummary
        try {
          summary = await seedStore(db, plan, progress.update)
        } finally {
          progress.stop()
        }
        printSummary(summary, seed)
      }),
    )
}

interface ProgressView {
  update: (progress: SeedProgress) => void
  stop: () => void
}

/** cli-progress's bar on stderr, one per phase, with rate and time left. */
function barProgress(): ProgressView {
  let bar: SingleBar | undefined
  let phase = ''
  let phaseStarted = 0
  const stop = () => {
    bar?.stop()
    bar = undefined
  }
  return {
    update: ({ phase: now, done, total }) => {
      if (now !== phase) {
        stop()
        phase = now
        phaseStarted = performance.now()
        bar = new SingleBar({ format: `${now.padEnd(19)} {bar} {percentage}% | {value}/{total} | {speed}/s | {eta_formatted} left`, hideCursor: true, stream: process.stderr }, Presets.shades_classic)
        bar.start(total, done, { speed: 0 })
      }
      const seconds = (performance.now() - phaseStarted) / 1000
      bar!.update(done, { speed: seconds > 0 ? Math.round(done / seconds) : 0 })
    },
    stop,
  }
}
/** A plain line per step on stderr: what a log keeps. */
function lineProgress(): ProgressView {
  return {
    update: ({ phase, done, total }) => {
      if (done > 0) process.stderr.write(`seed: ${phase} ${done}/${total}\n`)
    },
    stop: () => {},
  }
}

function printSummary(s: SeedSummary, seed: number): void {
  const rate = s.seconds > 0 ? Math.round(s.customers / s.seconds) : s.customers
  print(`seeded store ${s.storeHash}${s.created ? ' (new)' : ''}: ${s.customers} customers${s.ids ? ` (ids ${s.ids[0]}-${s.ids[1]})` : ''} in ${s.seconds.toFixed(1)} s (${rate} customers/s)`)
  const parts = [
    [s.addresses, 'addresses'], [s.attributeValues, 'attribute values'], [s.formFieldValues, 'form field values'],
    [s.customerMetafields, 'customer metafields'], [s.cartMetafields, 'cart metafields'], [s.consents, 'consents'], [s.instruments, 'stored instruments'],
  ] as const
  const made = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`)
  if (made.length > 0) print(`with ${made.join(', ')}`)
  if (s.channels.length > 1) print(`customers spread over channels ${s.channels.join(', ')}`)
  print(`seed ${seed} (--seed ${seed} makes the same data again)`)
}
