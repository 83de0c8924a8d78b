import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

// BigCommerce's denylist (WEBHOOKS.md (d); docs/COMPATIBILITY.md "Webhook delivery"): for each
// API account and destination domain, the attempts of the last two minutes are counted; once
// there are at least 100 of them and fewer than 90% succeeded, the domain is blocked for that
// account for three minutes. Deliveries due meanwhile wait for the block to end without using an
// attempt. Each node counts its own attempts; a block is written to webhook_blocks, so every node
// honours it and GET /hooks/admin lists it.

export interface DenylistRule {
  windowMs: number
  minAttempts: number
  minSuccessRatio: number
  blockMs: number
}

export const BIGCOMMERCE_DENYLIST: DenylistRule = { windowMs: 120_000, minAttempts: 100, minSuccessRatio: 0.9, blockMs: 180_000 }

interface Attempt {
  at: number
  /** what went wrong (`HTTP 500`, `timeout`...), undefined for a success */
  failure: string | undefined
}

/**
 * One account and domain's attempts, oldest first: those before `start` have left the window.
 * `failures` counts the failed ones in the window, so an attempt costs no pass over the window.
 */
interface Window {
  attempts: Attempt[]
  start: number
  failures: number
}

const keyOf = (clientId: string, domain: string) => `${clientId}\n${domain}`

export class Denylist {
  private readonly windows = new Map<string, Window>()
  /** the blocks in force, as last read from the database or made here: key -> until (ms) */
  private blocks = new Map<string, number>()

  constructor(
    private readonly db: Kysely<Database>,
    private readonly rule: DenylistRule = BIGCOMMERCE_DENYLIST,
  ) {}

  /** Reads the blocks in force (every node's): once per round, so checks cost no query. */
  async refresh(nowMs: number): Promise<void> {
    const rows = await this.db.selectFrom('webhook_blocks').select(['client_id', 'domain', 'blocked_until']).where('blocked_until', '>', nowMs).execute()
    const read = new Map(rows.map((row) => [keyOf(row.client_id, row.domain), Number(row.blocked_until)]))
    // A block this node made while the read ran (its row not yet written) is kept: a block only
    // ends at its time, so the later of the two ends stands.
    for (const [key, until] of this.blocks) if (until > nowMs && until > (read.get(key) ?? 0)) read.set(key, until)
    this.blocks = read
  }

  /** When the block on this account's deliveries to `domain` ends, or undefined when there is none. */
  blockedUntil(clientId: string, domain: string, nowMs: number): number | undefined {
    const until = this.blocks.get(keyOf(clientId, domain))
    return until !== undefined && until > nowMs ? until : undefined
  }

  /** Counts an attempt; blocks the domain for the account when the window's success ratio falls too low. */
  async record(clientId: string, domain: string, failure: string | undefined, nowMs: number): Promise<void> {
    const key = keyOf(clientId, domain)
    let w = this.windows.get(key)
    if (!w) this.windows.set(key, (w = { attempts: [], start: 0, failures: 0 }))
    // Attempts are counted as they end, so the ones that left the window are the oldest.
    const cutoff = nowMs - this.rule.windowMs
    while (w.start < w.attempts.length && w.attempts[w.start]!.at <= cutoff) {
      if (w.attempts[w.start]!.failure !== undefined) w.failures -= 1
      w.start += 1
    }
    if (w.start > 1024 && w.start * 2 > w.attempts.length) {
      w.attempts = w.attempts.slice(w.start)
      w.start = 0
    }
    w.attempts.push({ at: nowMs, failure })
    if (failure !== undefined) w.failures += 1
    const size = w.attempts.length - w.start
    if (size < this.rule.minAttempts) return
    if ((size - w.failures) / size >= this.rule.minSuccessRatio) return
    const window = w.attempts.slice(w.start)
    const until = nowMs + this.rule.blockMs
    this.blocks.set(key, until)
    // A fresh window once the block ends: the attempts that caused it are not counted twice.
    this.windows.delete(key)
    const reasons = new Map<string, { failure_description: string; count: number; timestamp: number }>()
    for (const a of window) {
      if (a.failure === undefined) continue
      const reason = reasons.get(a.failure) ?? { failure_description: a.failure, count: 0, timestamp: 0 }
      reason.count += 1
      reason.timestamp = Math.floor(a.at / 1000)
      reasons.set(a.failure, reason)
    }
    const row = { client_id: clientId, domain, blocked_until: until, reasons: JSON.stringify([...reasons.values()]) }
    await this.db
      .insertInto('webhook_blocks')
      .values(row)
      .onConflict((oc) => oc.columns(['client_id', 'domain']).doUpdateSet({ blocked_until: row.blocked_until, reasons: row.reasons }))
      .execute()
  }
}
