import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { StoreFileError } from '../stores/dump/format.js'
import { exportStore, type Sink } from '../stores/dump/export.js'
import { importStore } from '../stores/dump/import.js'
import { storeIdOf } from '../stores/lookup.js'
import { print, withDatabase } from './shared.js'

// `clientele export` and `clientele import`: a whole store as a store file (docs/STORE-FILES.md),
// streamed both ways, so a store of a million customers costs the memory of a page of rows.

export function registerStoreFileCommands(program: Command): void {
  program
    .command('export')
    .description('write a store\'s data as a store file (NDJSON; docs/STORE-FILES.md): to --out, or to stdout')
    .requiredOption('--store <hash>', 'the store to export')
    .option('--out <file>', 'the file to write (written beside it as <file>.partial, renamed when complete)')
    .option('--with-tokens', 'also its API accounts (token hashes and webhook secrets) and their hooks')
    .action((options: { store: string; out?: string; withTokens?: boolean }) =>
      withDatabase(async (db) => {
        const storeId = await storeIdOf(db, options.store)
        if (!options.out) {
          await exportStore(db, storeId, writerTo(process.stdout), { withTokens: options.withTokens === true })
          return
        }
        const partial = `${options.out}.partial`
        const out = createWriteStream(partial)
        try {
          const { rows } = await exportStore(db, storeId, writerTo(out), { withTokens: options.withTokens === true })
          out.end()
          await once(out, 'finish')
          renameSync(partial, options.out)
          print(`exported store ${options.store}: ${rows} rows to ${options.out}`)
        } catch (error) {
          out.destroy()
          rmSync(partial, { force: true })
          throw error
        }
      }),
    )

  program
    .command('import <file>')
    .description('restore a store file into a store, all or nothing (the store is made when missing; "-" reads stdin); emits no webhook events')
    .requiredOption('--store <hash>', 'the store to import into')
    .option('--replace', 'replace the data of a store that holds some (its API accounts stay, unless the file holds accounts)')
    .action((file: string, options: { store: string; replace?: boolean }) => {
      if (file !== '-' && !existsSync(file)) throw new Error(`no file "${file}"`)
      return withDatabase(async (db) => {
        const lines = linesOf(file === '-' ? process.stdin : createReadStream(file))
        try {
          const summary = await importStore(db, { hash: options.store, replace: options.replace === true }, lines)
          const renumbered = Object.entries(summary.renumbered).map(([table, n]) => `${n} ${table}`)
          print(`imported ${summary.rows} rows into ${summary.created ? 'new ' : ''}store ${options.store}`)
          if (renumbered.length > 0) print(`given new ids (another store of this database holds theirs): ${renumbered.join(', ')}`)
        } catch (error) {
          if (error instanceof StoreFileError) throw new Error(`${file === '-' ? 'stdin' : file}: ${error.message}; nothing was imported`)
          throw error
        }
      })
    })
}

/**
 * The lines of a stream, read as the import asks for them: a readline interface made before the
 * import's first await would emit lines nobody is listening to yet, and they would be lost.
 */
async function* linesOf(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  const lines = createInterface({ input, crlfDelay: Infinity })
  try {
    for await (const line of lines) yield line
  } finally {
    lines.close()
  }
}

/** A sink onto a stream that waits for it to drain when its buffer is full. */
function writerTo(stream: NodeJS.WritableStream | WriteStream): Sink {
  return async (text) => {
    if (!stream.write(text)) await once(stream, 'drain')
  }
}
