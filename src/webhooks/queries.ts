import { sql, type DeleteQueryBuilder, type DeleteResult, type Kysely, type Transaction } from 'kysely'
import { isPostgres } from '../db/dialect.js'
import type { Database } from '../db/schema.js'

// The delivery worker's queries over the outbox (webhook_events) and the deliveries. Every claim
// is one statement or one transaction, so several nodes on one PostgreSQL share the work without
// taking the same row: `for update skip locked` there; SQLite has one process and no row locks.

/** The hooks an event may go to: the store's active ones, with the scope they subscribe to. */
export interface HookCandidate {
  id: number
  store_id: number
  scope: string
  created_at: number
}

export interface UndispatchedEvent {
  id: number
  store_id: number
  scope: string
  created_at: number
}

/**
 * Claims up to `limit` undispatched events, makes one pending delivery per hook `matches` picks,
 * and marks the events dispatched, all in one transaction. Returns how many events it took.
 */
export async function dispatchEvents(
  db: Kysely<Database>,
  limit: number,
  nowMs: number,
  matches: (event: UndispatchedEvent, hook: HookCandidate) => boolean,
  maxRetrying: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const events = await trx
      .selectFrom('webhook_events')
      .select(['id', 'store_id', 'scope', 'created_at'])
      .where('dispatched', '=', 0)
      .orderBy('id')
      .limit(limit)
      .$if(isPostgres(trx), (q) => q.forUpdate().skipLocked())
      .execute()
    if (events.length === 0) return 0
    const storeIds = [...new Set(events.map((e) => e.store_id))]
    const active = await trx
      .selectFrom('webhooks')
      .select(['id', 'store_id', 'scope', 'created_at'])
      .where('store_id', 'in', storeIds)
      .where('status', '=', 'active')
      .execute()
    const capped = await deactivateHooksAtRetryCap(trx, active.map((h) => h.id), maxRetrying, nowMs)
    const hooks = active.filter((hook) => !capped.has(hook.id))
    const deliveries = events.flatMap((event) =>
      hooks
        .filter((hook) => hook.store_id === event.store_id && matches(event, hook))
        .map((hook) => ({
          store_id: event.store_id,
          event_id: event.id,
          hook_id: hook.id,
          status: 'pending',
          attempts: 0,
          next_attempt_at: nowMs,
          lease_until: 0,
          created_at: nowMs,
        })),
    )
    for (let i = 0; i < deliveries.length; i += 500) {
      await trx
        .insertInto('webhook_deliveries')
        .values(deliveries.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['event_id', 'hook_id']).doNothing())
        .execute()
    }
    await trx.updateTable('webhook_events').set({ dispatched: 1 }).where('id', 'in', events.map((e) => e.id)).execute()
    return events.length
  })
}

/**
 * The outstanding-attempts cap: a hook with `maxRetrying` deliveries waiting for a retry (its
 * receiver failing them all) is deactivated, as after a last failed retry, and gets no delivery
 * for the events after that; what it has pending waits, and is sent if it is made active again.
 * Returns the hooks it deactivated.
 */
async function deactivateHooksAtRetryCap(trx: Transaction<Database>, hookIds: readonly number[], maxRetrying: number, nowMs: number): Promise<Set<number>> {
  if (hookIds.length === 0) return new Set()
  const rows = await trx
    .selectFrom('webhook_deliveries')
    .select('hook_id')
    .where('hook_id', 'in', hookIds)
    .where('status', '=', 'pending')
    .where('attempts', '>', 0)
    .groupBy('hook_id')
    .having(({ fn }) => fn.countAll(), '>=', maxRetrying)
    .execute()
  const capped = new Set(rows.map((r) => r.hook_id))
  await deactivateHooks(trx, [...capped], nowMs)
  return capped
}

/** Sets active hooks `deactivated` (is_active: false), as after a last failed retry. */
async function deactivateHooks(trx: Transaction<Database>, hookIds: readonly number[], nowMs: number): Promise<void> {
  if (hookIds.length === 0) return
  await trx
    .updateTable('webhooks')
    .set({ status: 'deactivated', updated_at: Math.floor(nowMs / 1000) })
    .where('id', 'in', hookIds)
    .where('status', '=', 'active')
    .execute()
}

/** A claimed delivery with everything its attempt needs. */
export interface ClaimedDelivery {
  id: number
  attempts: number
  lease_until: number
  hook_id: number
  destination: string
  headers: string | null
  client_id: string
  client_secret: string
  event: { id: number; store_id: number; scope: string; data: string; hash: string; created_at: number }
  store_hash: string
}

/**
 * Leases up to `limit` due pending deliveries of active hooks (none of `skipHooks`) until
 * `leaseUntil`: no other claim takes them before then, and a node that dies lets them go.
 */
export async function claimDeliveries(
  db: Kysely<Database>,
  limit: number,
  nowMs: number,
  leaseUntil: number,
  skipHooks: readonly number[],
): Promise<ClaimedDelivery[]> {
  const claimed = await db
    .updateTable('webhook_deliveries')
    .set({ lease_until: leaseUntil })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries as d')
        .select('d.id')
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', nowMs)
        .where('d.lease_until', '<=', nowMs)
        .where('d.hook_id', 'in', (sub) => sub.selectFrom('webhooks').select('id').where('status', '=', 'active'))
        .$if(skipHooks.length > 0, (q) => q.where('d.hook_id', 'not in', skipHooks))
        .orderBy('d.next_attempt_at')
        .limit(limit)
        .$if(isPostgres(db), (q) => q.forUpdate().skipLocked()),
    )
    .where('lease_until', '<=', nowMs)
    .returning('id')
    .execute()
  if (claimed.length === 0) return []
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhooks as h', 'h.id', 'd.hook_id')
    .innerJoin('api_accounts as a', 'a.client_id', 'h.client_id')
    .innerJoin('stores as s', 's.id', 'd.store_id')
    .select([
      'd.id', 'd.attempts', 'd.lease_until', 'd.hook_id', 'h.destination', 'h.headers', 'a.client_id', 'a.client_secret', 's.hash as store_hash',
      'e.id as event_id', 'e.store_id as event_store_id', 'e.scope', 'e.data', 'e.hash', 'e.created_at',
    ])
    .where('d.id', 'in', claimed.map((c) => c.id))
    .orderBy('d.next_attempt_at')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    attempts: r.attempts,
    lease_until: r.lease_until,
    hook_id: r.hook_id,
    destination: r.destination,
    headers: r.headers,
    client_id: r.client_id,
    client_secret: r.client_secret,
    store_hash: r.store_hash,
    event: { id: r.event_id, store_id: r.event_store_id, scope: r.scope, data: r.data, hash: r.hash, created_at: r.created_at },
  }))
}

/** Gives a claim back unattempted and not due before `untilMs` (its domain is blocked): no attempt is used. */
export async function postpone(db: Kysely<Database>, delivery: Pick<ClaimedDelivery, 'id' | 'lease_until'>, untilMs: number): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_until: 0, next_attempt_at: untilMs })
    .where('id', '=', delivery.id)
    .where('lease_until', '=', delivery.lease_until)
    .execute()
}

/** Gives a claim back unattempted (its origin was busy, or the worker is stopping). */
export async function releaseClaim(db: Kysely<Database>, delivery: Pick<ClaimedDelivery, 'id' | 'lease_until'>): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ lease_until: 0 }).where('id', '=', delivery.id).where('lease_until', '=', delivery.lease_until).execute()
}

export interface AttemptOutcome {
  status: number | null
  error: string | null
  latencyMs: number
}

/** An attempt's end, to record: `retryAt` is when a failed one is due again, null when it has no retry left. */
export interface FinishedAttempt {
  delivery: ClaimedDelivery
  outcome: AttemptOutcome
  retryAt: number | null
  finishedAt: number
}

/**
 * Records attempts' outcomes, each only if its claim is still this worker's, in one transaction
 * (one commit for many attempts: a commit per attempt was a quarter of the worker's CPU). A
 * failure with no retry left fails its delivery for good and deactivates its hook.
 */
export async function recordOutcomes(db: Kysely<Database>, finished: readonly FinishedAttempt[]): Promise<void> {
  if (finished.length === 0) return
  await db.transaction().execute(async (trx: Transaction<Database>) => {
    const failedHooks = isPostgres(trx) ? await updateAllAtOnce(trx, finished) : await updateEach(trx, finished)
    await deactivateHooks(trx, [...new Set(failedHooks)], finished[0]!.finishedAt)
  })
}

/** One outcome's new row values: a delivered one keeps its due time, a failed one its delivered_at (null). */
function outcomeRow({ delivery, outcome, retryAt, finishedAt }: FinishedAttempt) {
  const delivered = outcome.error === null
  return {
    id: delivery.id,
    lease: delivery.lease_until,
    status: delivered ? 'delivered' : retryAt === null ? 'failed' : 'pending',
    attempts: delivery.attempts + 1,
    lastStatus: outcome.status,
    lastError: outcome.error,
    latencyMs: outcome.latencyMs,
    deliveredAt: delivered ? finishedAt : null,
    nextAt: delivered ? null : (retryAt ?? finishedAt),
  }
}

/** SQLite: an update per outcome (a few microseconds each, in the one commit). Returns the hooks of deliveries now failed. */
async function updateEach(trx: Transaction<Database>, finished: readonly FinishedAttempt[]): Promise<number[]> {
  const failedHooks: number[] = []
  for (const attempt of finished) {
    const row = outcomeRow(attempt)
    const result = await trx
      .updateTable('webhook_deliveries')
      .set({
        status: row.status,
        attempts: row.attempts,
        last_status: row.lastStatus,
        last_error: row.lastError,
        last_latency_ms: row.latencyMs,
        ...(row.deliveredAt !== null ? { delivered_at: row.deliveredAt } : {}),
        ...(row.nextAt !== null ? { next_attempt_at: row.nextAt } : {}),
        lease_until: 0,
      })
      .where('id', '=', row.id)
      .where('lease_until', '=', row.lease)
      .executeTakeFirst()
    if (row.status === 'failed' && Number(result.numUpdatedRows) > 0) failedHooks.push(attempt.delivery.hook_id)
  }
  return failedHooks
}

/**
 * PostgreSQL: one `update ... from (values ...)` for the whole batch, one round trip however many
 * outcomes (a round trip per row kept a batch open long enough that a crash lost dozens of
 * recorded-to-be outcomes, each then sent again). Returns the hooks of deliveries now failed.
 */
async function updateAllAtOnce(trx: Transaction<Database>, finished: readonly FinishedAttempt[]): Promise<number[]> {
  const values = finished.map((attempt) => {
    const r = outcomeRow(attempt)
    return sql`(${r.id}::integer, ${r.lease}::bigint, ${r.status}::varchar, ${r.attempts}::integer, ${r.lastStatus}::integer, ${r.lastError}::text, ${r.latencyMs}::integer, ${r.deliveredAt}::bigint, ${r.nextAt}::bigint)`
  })
  const result = await sql<{ hook_id: number; status: string }>`
    update webhook_deliveries as d set
      status = v.status, attempts = v.attempts, last_status = v.last_status, last_error = v.last_error,
      last_latency_ms = v.latency_ms, delivered_at = coalesce(v.delivered_at, d.delivered_at),
      next_attempt_at = coalesce(v.next_at, d.next_attempt_at), lease_until = 0
    from (values ${sql.join(values)}) as v(id, lease, status, attempts, last_status, last_error, latency_ms, delivered_at, next_at)
    where d.id = v.id and d.lease_until = v.lease
    returning d.hook_id, d.status`.execute(trx)
  return result.rows.filter((row) => row.status === 'failed').map((row) => row.hook_id)
}

/**
 * Deletes what is older than `cutoffMs`: finished deliveries, pending ones of hooks that are not
 * active (nothing will send them), then dispatched events left with no delivery.
 */
export async function pruneOlderThan(db: Kysely<Database>, cutoffMs: number): Promise<void> {
  await db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'failed']).where('created_at', '<', cutoffMs).execute()
  await db
    .deleteFrom('webhook_deliveries')
    .where('status', '=', 'pending')
    .where('created_at', '<', cutoffMs)
    .where('hook_id', 'not in', (eb) => eb.selectFrom('webhooks').select('id').where('status', '=', 'active'))
    .execute()
  await deleteSentEvents(db, (q) => q.where('created_at', '<', Math.floor(cutoffMs / 1000)))
}

/**
 * The outbox's size cap: of the events before the newest `maxEvents` ids, deletes the finished
 * deliveries and then the dispatched events left with none, so at most `maxEvents` sent events
 * are kept. An undispatched event or a pending delivery is never deleted: the cap bounds what is
 * kept once sent, not what is still to send. Ranges of ids only (no count), so it is cheap to run
 * often.
 */
export async function capHistory(db: Kysely<Database>, maxEvents: number): Promise<void> {
  const newest = await db.selectFrom('webhook_events').select(({ fn }) => fn.max('id').as('id')).executeTakeFirst()
  const edge = Number(newest?.id ?? 0) - maxEvents
  if (edge <= 0) return
  await db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'failed']).where('event_id', '<=', edge).execute()
  await deleteSentEvents(db, (q) => q.where('id', '<=', edge))
}

/** Deletes the dispatched events `narrow` picks that no delivery refers to any more. */
async function deleteSentEvents(db: Kysely<Database>, narrow: (q: DeleteQueryBuilder<Database, 'webhook_events', DeleteResult>) => DeleteQueryBuilder<Database, 'webhook_events', DeleteResult>): Promise<void> {
  await narrow(db.deleteFrom('webhook_events'))
    .where('dispatched', '=', 1)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'webhook_events.id'))),
    )
    .execute()
}

export interface QueueStats {
  pendingDeliveries: number
  undispatchedEvents: number
  /** epoch ms of the oldest pending delivery or undispatched event, null when there is none */
  oldestMs: number | null
}

export async function queueStats(db: Kysely<Database>): Promise<QueueStats> {
  const deliveries = await db
    .selectFrom('webhook_deliveries')
    .select(({ fn }) => [fn.countAll<number>().as('count'), fn.min<number>('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  const events = await db
    .selectFrom('webhook_events')
    .select(({ fn }) => [fn.countAll<number>().as('count'), fn.min<number>('created_at').as('oldest')])
    .where('dispatched', '=', 0)
    .executeTakeFirstOrThrow()
  const oldest = [deliveries.oldest, events.oldest === null ? null : Number(events.oldest) * 1000].filter((v): v is number => v !== null)
  return {
    pendingDeliveries: Number(deliveries.count),
    undispatchedEvents: Number(events.count),
    oldestMs: oldest.length === 0 ? null : Math.min(...oldest.map(Number)),
  }
}
