import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import * as foundation from './migrations/2026_11_23_0001_foundation.js'
import * as metafields from './migrations/2026_11_23_0003_metafields.js'
import * as customerSubresources from './migrations/2026_11_23_0004_customer_subresources.js'
import * as channelsAndLogins from './migrations/2026_11_23_0005_channels_and_logins.js'
import * as rateLimits from './migrations/2026_11_23_0006_rate_limits.js'
import * as metafieldResourceIndex from './migrations/2026_11_23_0007_metafield_resource_index.js'
import * as rateLimitPlans from './migrations/2026_12_03_0008_rate_limit_plans.js'
import * as lowercaseKeysAsText from './migrations/2026_12_03_0009_lowercase_keys_as_text.js'
import * as webhooks from './migrations/2026_12_03_0010_webhooks.js'
import * as webhookBlocks from './migrations/2026_12_03_0011_webhook_blocks.js'
import * as webhookRetryingIndex from './migrations/2026_12_03_0012_webhook_retrying_index.js'
import * as customerApiJson from './migrations/2026_12_04_0013_customer_api_json.js'
import * as storeSnapshots from './migrations/2026_12_04_0014_store_snapshots.js'
import * as customerNameTrigrams from './migrations/2026_12_07_0015_customer_name_trigrams.js'
import * as storeCounterSlots from './migrations/2026_12_07_0016_store_counter_slots.js'

// Migrations are listed here, in order, rather than read from a folder at run time: the list is
// checked by the compiler and works the same from source and from any bundle.
const MIGRATIONS: Record<string, Migration> = {
  '2026_11_23_0001_foundation': foundation,
  '2026_11_23_0003_metafields': metafields,
  '2026_11_23_0004_customer_subresources': customerSubresources,
  '2026_11_23_0005_channels_and_logins': channelsAndLogins,
  '2026_11_23_0006_rate_limits': rateLimits,
  '2026_11_23_0007_metafield_resource_index': metafieldResourceIndex,
  '2026_12_03_0008_rate_limit_plans': rateLimitPlans,
  '2026_12_03_0009_lowercase_keys_as_text': lowercaseKeysAsText,
  '2026_12_03_0010_webhooks': webhooks,
  '2026_12_03_0011_webhook_blocks': webhookBlocks,
  '2026_12_03_0012_webhook_retrying_index': webhookRetryingIndex,
  '2026_12_04_0013_customer_api_json': customerApiJson,
  '2026_12_04_0014_store_snapshots': storeSnapshots,
  '2026_12_07_0015_customer_name_trigrams': customerNameTrigrams,
  '2026_12_07_0016_store_counter_slots': storeCounterSlots,
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS }

// On PostgreSQL the bookkeeping tables are named with their schema: Kysely otherwise finds
// another schema's copy (another app, another test run) and then cannot use it.
export function migrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) })
}

/** Brings the database to the latest schema; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<string[]> {
  const { error, results } = await migrator(db, schema).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** True when every known migration has been applied (the readiness check uses it). */
export async function migrationsCurrent(db: Kysely<any>, schema?: string): Promise<boolean> {
  const applied = await migrator(db, schema).getMigrations()
  return applied.every((m) => m.executedAt !== undefined)
}
