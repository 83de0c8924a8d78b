import type { SelectQueryBuilder } from 'kysely'
import { metafieldNotOwned, type ApiError } from '../../core/errors.js'
import { SCOPES } from '../../core/scopes.js'
import type { TokenOwner } from '../../core/auth.js'
import type { Database } from '../../db/schema.js'
import type { MetafieldRow } from './rows.js'
import type { MetafieldChanges } from './schemas.js'

// Who may see and change a metafield (DECISIONS 13, 19; docs/COMPATIBILITY.md "Metafields"):
// - its owner (the API account that created it), and any account holding
//   store_metafield_write_all, may do anything;
// - other accounts do not see `app_only` ones at all (absent from lists, 404 by id);
// - they read the other four; they change `value` and `description` of `write` and
//   `write_and_sf_access` ones, never `namespace`, `key` or `permission_set`, and delete none (403).

export interface MetafieldAccount {
  storeId: number
  clientId: string
  /** holds store_metafield_write_all */
  writeAll: boolean
}

export function accountOf(owner: TokenOwner): MetafieldAccount {
  return { storeId: owner.storeId, clientId: owner.clientId, writeAll: owner.scopes.has(SCOPES.metafieldsWriteAll) }
}

const OPEN_TO_WRITES: ReadonlySet<string> = new Set(['write', 'write_and_sf_access'])
const IDENTITY = ['namespace', 'key', 'permission_set'] as const

function manages(row: MetafieldRow, account: MetafieldAccount): boolean {
  return account.writeAll || row.owner_client_id === account.clientId
}

export function canSee(row: MetafieldRow, account: MetafieldAccount): boolean {
  return manages(row, account) || row.permission_set !== 'app_only'
}

/** The same rule as canSee, as a condition on a select of metafields. */
export function visibleTo<O>(
  qb: SelectQueryBuilder<Database, 'metafields', O>,
  account: MetafieldAccount,
): SelectQueryBuilder<Database, 'metafields', O> {
  if (account.writeAll) return qb
  return qb.where((eb) => eb.or([eb('owner_client_id', '=', account.clientId), eb('permission_set', '<>', 'app_only')]))
}

/**
 * Why this account may not make these changes to a metafield it can see, or undefined when it
 * may. A field sent with its current value is no change (a GET-edit-PUT round trip works).
 */
export function updateRefusal(row: MetafieldRow, changes: MetafieldChanges, account: MetafieldAccount): ApiError | undefined {
  if (manages(row, account)) return undefined
  if (!OPEN_TO_WRITES.has(row.permission_set)) {
    return metafieldNotOwned('permission_set', `"${row.permission_set}" lets other API accounts read this metafield, not change it`)
  }
  const field = IDENTITY.find((name) => changes[name] !== undefined && changes[name] !== row[name])
  if (field) return metafieldNotOwned(field, `only the API account that created this metafield may change its ${field}`)
  return undefined
}

/** Why this account may not delete a metafield it can see, or undefined when it may. */
export function deleteRefusal(row: MetafieldRow, account: MetafieldAccount): ApiError | undefined {
  if (manages(row, account)) return undefined
  return metafieldNotOwned('id', 'only the API account that created this metafield may delete it')
}
