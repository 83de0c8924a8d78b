import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { createChannel } from '../../src/stores/channels.js'
import type { TestStore } from './app.js'

// Channels for tests that need more than channel 1 (which every store has): added the way the
// CLI and the admin API add them.

export async function addChannels(db: Kysely<Database>, store: TestStore, ids: readonly number[]): Promise<void> {
  for (const id of ids) await createChannel(db, store.hash, { id, name: `Channel ${id}` })
}
