import { validateHeaderName, validateHeaderValue } from 'node:http'
import type { Kysely } from 'kysely'
import type { TokenOwner } from '../../core/auth.js'
import { parseDateFilter } from '../../core/dates.js'
import { destinationProblem, type DestinationMode } from '../../core/destinations.js'
import { conflict, emptyWebhookUpdate, RuleError, webhookNotFound } from '../../core/errors.js'
import { fetchPage, readPageRequest, type CollectionMeta } from '../../core/pagination.js'
import { isSubscribable } from '../../core/webhook-scopes.js'
import { json, nullableJson } from '../../db/codecs.js'
import { isUniqueViolation } from '../../db/dialect.js'
import { lockKeys } from '../../db/locks.js'
import { envelopeOf, type EventEnvelope } from '../../db/outbox.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'
import {
  MAX_HOOKS_PER_SCOPE,
  type AdminHook,
  type AdminQuery,
  type BlockedDomain,
  type Hook,
  type HookCreate,
  type HookStatus,
  type HookUpdate,
  type ListEventsQuery,
  type ListHooksQuery,
} from './schemas.js'

// The webhooks rules (docs/COMPATIBILITY.md "Webhooks"): a hook belongs to the API account that
// made it; its scope must be one Clientele knows (core/webhook-scopes.ts) and its destination one
// this server may send to (core/destinations.ts); one hook per account + scope + destination and
// at most ten per account + scope, in a store.

export const HOOK_PROBLEMS = {
  unknownScope: (scope: string) => `"${scope}" is not a webhook scope: see docs/COMPATIBILITY.md "Webhooks" for the scopes this server accepts`,
  limitReached: (scope: string) => `this API account already has ${MAX_HOOKS_PER_SCOPE} webhooks for ${scope} in this store`,
  duplicate: (scope: string) => `this API account already has a webhook for ${scope} to this destination`,
  headerName: 'is not a valid HTTP header name',
  headerValue: 'is not a valid HTTP header value',
} as const

const headersCodec = nullableJson<Record<string, string>>()
const emailsCodec = json<string[]>()

export interface HookRules {
  destinations: DestinationMode
}

const blockReasons = json<BlockedDomain['reasons']>()

const ownerKey = (owner: TokenOwner): q.HookOwner => ({ storeId: owner.storeId, clientId: owner.clientId })
const seconds = (now: Date) => Math.floor(now.getTime() / 1000)

export function toHook(row: q.HookRow, storeHash: string): Hook {
  return {
    id: row.id,
    client_id: row.client_id,
    store_hash: storeHash,
    created_at: row.created_at,
    updated_at: row.updated_at,
    scope: row.scope,
    destination: row.destination,
    is_active: row.status === 'active',
    headers: headersCodec.decode(row.headers),
    // BigCommerce answers false whatever was sent (WEBHOOKS.md (f))
    events_history_enabled: false,
  }
}

function toAdminHook(row: q.HookRow, storeHash: string): AdminHook {
  const hook = toHook(row, storeHash)
  return {
    id: hook.id,
    client_id: hook.client_id,
    store_hash: hook.store_hash,
    scope: hook.scope,
    destination: hook.destination,
    headers: hook.headers,
    is_active: hook.is_active,
    created_at: hook.created_at,
    updated_at: hook.updated_at,
    status: row.status as HookStatus,
  }
}

async function checkScopeAndDestination(rules: HookRules, body: { scope?: string | undefined; destination?: string | undefined }): Promise<void> {
  if (body.scope !== undefined && !isSubscribable(body.scope)) throw new RuleError('scope', HOOK_PROBLEMS.unknownScope(body.scope))
  if (body.destination !== undefined) {
    const problem = await destinationProblem(body.destination, rules.destinations)
    if (problem) throw new RuleError('destination', problem)
  }
}

/** Header names and values as Node's HTTP client will send them (a delivery must not fail on its own headers). */
function checkHeaders(headers: Record<string, string> | null | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    try {
      validateHeaderName(name)
    } catch {
      throw new RuleError(`headers.${name}`, HOOK_PROBLEMS.headerName)
    }
    try {
      validateHeaderValue(name, value)
    } catch {
      throw new RuleError(`headers.${name}`, HOOK_PROBLEMS.headerValue)
    }
  }
}

/** The account's hooks take turns (on PostgreSQL; SQLite's writers always do): the checks below see every committed hook. */
function lockHooks(trx: Parameters<typeof lockKeys>[0], owner: q.HookOwner) {
  return lockKeys(trx, owner.storeId, [`webhooks:${owner.clientId}`])
}

/** Refuses a hook that would repeat one of the account's (scope + destination) or make an eleventh of its scope. */
async function checkLimits(db: Kysely<Database>, owner: q.HookOwner, scope: string, destination: string, self?: number): Promise<void> {
  const sameScope = (await q.ownHooks(db, owner, { scope }).execute()).filter((row) => row.id !== self)
  if (sameScope.some((row) => row.destination === destination)) throw conflict({ destination: HOOK_PROBLEMS.duplicate(scope) })
  if (sameScope.length >= MAX_HOOKS_PER_SCOPE) throw new RuleError('scope', HOOK_PROBLEMS.limitReached(scope))
}

function duplicateAsConflict(scope: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) throw conflict({ destination: HOOK_PROBLEMS.duplicate(scope) })
    throw error
  }
}

export async function createHook(db: Kysely<Database>, now: Date, rules: HookRules, owner: TokenOwner, body: HookCreate): Promise<Hook> {
  await checkScopeAndDestination(rules, body)
  checkHeaders(body.headers)
  const key = ownerKey(owner)
  const stamp = seconds(now)
  const row = await db
    .transaction()
    .execute(async (trx) => {
      await lockHooks(trx, key)
      await checkLimits(trx, key, body.scope, body.destination)
      const id = await q.insertHook(trx, {
        store_id: key.storeId,
        client_id: key.clientId,
        scope: body.scope,
        destination: body.destination,
        // Active unless told otherwise (WEBHOOKS.md (g) 13; docs/COMPATIBILITY.md "Webhooks")
        status: body.is_active === false ? 'inactive' : 'active',
        headers: headersCodec.encode(body.headers ?? null),
        created_at: stamp,
        updated_at: stamp,
      })
      return (await q.findHook(trx, key, id))!
    })
    .catch(duplicateAsConflict(body.scope))
  return toHook(row, owner.storeHash)
}

export async function getHook(db: Kysely<Database>, owner: TokenOwner, id: number): Promise<Hook> {
  const row = await q.findHook(db, ownerKey(owner), id)
  if (!row) throw webhookNotFound(id)
  return toHook(row, owner.storeHash)
}

export async function updateHook(db: Kysely<Database>, now: Date, rules: HookRules, owner: TokenOwner, id: number, body: HookUpdate): Promise<Hook> {
  // events_history_enabled alone is "empty" too (bigcommerce/docs#505)
  if (body.scope === undefined && body.destination === undefined && body.is_active === undefined && body.headers === undefined) {
    throw emptyWebhookUpdate()
  }
  const key = ownerKey(owner)
  // Unknown first (404), then the new values, all before the transaction: a name's DNS lookup
  // never holds a connection (on SQLite, the only one).
  if (!(await q.findHook(db, key, id))) throw webhookNotFound(id)
  await checkScopeAndDestination(rules, body)
  checkHeaders(body.headers)
  const row = await db
    .transaction()
    .execute(async (trx) => {
      await lockHooks(trx, key)
      const current = await q.findHook(trx, key, id)
      if (!current) throw webhookNotFound(id)
      const scope = body.scope ?? current.scope
      const destination = body.destination ?? current.destination
      if (scope !== current.scope || destination !== current.destination) await checkLimits(trx, key, scope, destination, id)
      await q.updateHook(trx, key, id, {
        scope,
        destination,
        // true reactivates a deactivated hook too (WEBHOOKS.md (d))
        ...(body.is_active === undefined ? {} : { status: body.is_active ? 'active' : 'inactive' }),
        ...(body.headers === undefined ? {} : { headers: headersCodec.encode(body.headers) }),
        updated_at: seconds(now),
      })
      return (await q.findHook(trx, key, id))!
    })
    .catch(duplicateAsConflict(body.scope ?? ''))
  return toHook(row, owner.storeHash)
}

/** Deletes the hook and answers it as it was. */
export async function deleteHook(db: Kysely<Database>, owner: TokenOwner, id: number): Promise<Hook> {
  const key = ownerKey(owner)
  const row = await db.transaction().execute(async (trx) => {
    const current = await q.findHook(trx, key, id)
    if (!current) throw webhookNotFound(id)
    await q.deleteHook(trx, key, id)
    return current
  })
  return toHook(row, owner.storeHash)
}

export async function listHooks(db: Kysely<Database>, owner: TokenOwner, query: ListHooksQuery, url: string): Promise<{ data: Hook[]; meta: CollectionMeta }> {
  const key = ownerKey(owner)
  const filter: q.HookFilter = {
    ...(query.is_active === undefined ? {} : { isActive: query.is_active }),
    ...(query.scope === undefined ? {} : { scope: query.scope }),
    ...(query.destination === undefined ? {} : { destination: query.destination }),
  }
  const page = await fetchPage({
    query: q.ownHooks(db, key, filter),
    idColumn: 'id',
    request: readPageRequest(query, url),
    total: () => q.countOwnHooks(db, key, filter),
    cursors: false,
  })
  return { data: page.rows.map((row) => toHook(row, owner.storeHash)), meta: page.meta }
}

export interface AdminInfo {
  emails: string[]
  hooks_list: AdminHook[]
  blocked_domains: BlockedDomain[]
}

export async function getAdmin(db: Kysely<Database>, owner: TokenOwner, query: AdminQuery, url: string): Promise<{ data: AdminInfo; meta: CollectionMeta }> {
  const key = ownerKey(owner)
  const filter: q.HookFilter = query.is_active === undefined ? {} : { isActive: query.is_active }
  const nowMs = Date.now()
  const [emails, blocks, page] = await Promise.all([
    q.adminEmailsOf(db, key),
    q.blocksOf(db, key, nowMs),
    fetchPage({
      query: q.ownHooks(db, key, filter),
      idColumn: 'id',
      request: readPageRequest(query, url),
      total: () => q.countOwnHooks(db, key, filter),
      cursors: false,
    }),
  ])
  return {
    data: {
      emails: emails === undefined ? [] : emailsCodec.decode(emails),
      hooks_list: page.rows.map((row) => toAdminHook(row, owner.storeHash)),
      blocked_domains: blocks.map((block) => ({
        destination: block.domain,
        time_left: Math.ceil((Number(block.blocked_until) - nowMs) / 1000),
        reasons: blockReasons.decode(block.reasons),
      })),
    },
    meta: page.meta,
  }
}

/** Replaces the account's notification addresses (an empty list clears them). */
export async function setAdminEmails(db: Kysely<Database>, owner: TokenOwner, emails: string[]): Promise<void> {
  await db.transaction().execute((trx) => q.writeAdminEmails(trx, ownerKey(owner), emailsCodec.encode(emails)))
}

/** A date filter's bound as Unix seconds: the first (`min`) or last (`max`) second it covers. */
function boundSeconds(text: string | undefined, end: 'from' | 'to'): number | undefined {
  if (text === undefined) return undefined
  const bound = parseDateFilter(text)
  return bound === undefined ? undefined : Math.floor(Date.parse(bound[end]) / 1000)
}

/** GET /hooks/events: the events this account's hooks gave up on, newest first. */
export async function listFailedEvents(
  db: Kysely<Database>,
  owner: TokenOwner,
  query: ListEventsQuery,
  url: string,
): Promise<{ data: EventEnvelope[]; meta: CollectionMeta }> {
  const key = ownerKey(owner)
  const from = boundSeconds(query['created_at:min'], 'from')
  const to = boundSeconds(query['created_at:max'], 'to')
  const window: q.EventWindow = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }
  const page = await fetchPage({
    query: q.failedEvents(db, key, window),
    idColumn: 'id',
    order: { column: 'id', field: 'id', direction: 'desc' },
    request: readPageRequest(query, url),
    total: () => q.countFailedEvents(db, key, window),
    cursors: false,
  })
  return { data: page.rows.map((row) => envelopeOf(row, owner.storeHash)), meta: page.meta }
}
