import { InvalidArgumentError, type Command } from 'commander'
import type { CloneOptions } from './run.js'

// `clientele clone`: a live store, read through its public API (BigCommerce's, or another
// Clientele's), written into a local store (docs/CLONE.md). What it reads goes to a state folder
// first, request by request, so an interrupted clone resumes; the local store is written once, at
// the end, by the store-file import in one transaction: it is the whole clone or left as it was.
// The clone itself (run.ts) is loaded when the command runs: what it imports (the customers'
// compiled serializers among them) would make every other command start ~30 MB heavier.

function seconds(text: string): number {
  const n = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number of seconds')
  return n
}

function pageSize(text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > 250) throw new InvalidArgumentError('must be a whole number from 1 to 250 (the API pages at most 250)')
  return n
}

export function registerCloneCommand(program: Command): void {
  program
    .command('clone')
    .description('copy a live store through its API (BigCommerce, or another Clientele) into a local store, all or nothing; docs/CLONE.md')
    .requiredOption('--from <url>', "the source store's API base: https://api.bigcommerce.com/stores/<hash>")
    .option('--token <token>', 'an API token of the source store, read-only scopes suffice (or CLIENTELE_CLONE_TOKEN, kept out of ps and shell history)')
    .requiredOption('--store <hash>', 'the local store to write (made when missing)')
    .option('--replace', 'replace the data of a local store that holds some (its API accounts stay)')
    .option('--resume', 'continue an interrupted clone where it stopped (a clone without earlier state starts afresh)')
    .option('--state <dir>', 'the folder keeping what was read until the clone is written (default .clientele-clone-<store>)')
    .option('--retry-for <seconds>', 'how long the source may keep failing before the clone gives up', seconds, 120)
    .option('--page-size <n>', 'items per list request, 1-250', pageSize, 250)
    .action(async (options: CloneOptions) => (await import('./run.js')).clone(options))
}

