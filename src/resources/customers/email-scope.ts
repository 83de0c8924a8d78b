import type { Transaction } from 'kysely'
import { RuleError } from '../../core/errors.js'
import { channelIds } from '../../db/codecs.js'
import { lockKeys } from '../../db/locks.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'

// Who is the same customer (DECISIONS 7, BEHAVIOUR 3.5). Two customers of a store may share an
// email (compared case-insensitively) only when their login scopes cannot meet: a global customer
// (channel_ids null) meets every customer, two channel-specific customers meet when their
// channel_ids overlap.
//
// No unique index can say that, so the check runs inside the writing transaction, after the
// write: the writer locks each email it wrote (lockKeys: on PostgreSQL an advisory lock on
// store + email, held to commit), then reads every customer of those emails. A concurrent writer
// of the same email waits for the lock, and its read then sees this one's committed rows; a
// read-then-write without the lock would let both pass.

export type ChannelScope = readonly number[] | null

/** An email as uniqueness, `email:in` and logins compare it (schema.ts `email_key`). */
export const emailKey = (email: string): string => email.toLowerCase()

export function scopesMeet(a: ChannelScope, b: ChannelScope): boolean {
  if (a === null || b === null) return true
  return a.some((id) => b.includes(id))
}

export function emailInUse(kind: 'create' | 'update', email: string): RuleError {
  return kind === 'create'
    ? new RuleError('.customer_create', `Error creating customers: email ${email} already in use`)
    : new RuleError('.customer_update', `Error updating customers: email ${email} already in use`)
}

const scopeOf = (row: { channel_ids: string | null }): ChannelScope => channelIds.decode(row.channel_ids)

/**
 * Refuses a batch that leaves two customers of one email whose scopes meet. `written` are the
 * customers the batch created, or whose email or channel_ids it set, in batch order, with their
 * email after the batch; the error names the first of them that meets another customer of its
 * email (an existing one, or one earlier in the batch), with its email as sent.
 */
export async function checkEmailScopes(
  trx: Transaction<Database>,
  storeId: number,
  kind: 'create' | 'update',
  written: readonly { id: number; email: string }[],
): Promise<void> {
  if (written.length === 0) return
  const keys = [...new Set(written.map((row) => emailKey(row.email)))]
  await lockKeys(trx, storeId, keys.map((key) => `customer-email:${key}`))
  // Read after the lock: a writer that held it before us has committed by now.
  const holders = await q.customersWithEmails(trx, storeId, keys)
  const position = new Map<number, number>()
  written.forEach(({ id }, i) => position.has(id) || position.set(id, i))

  // By id and by email, so a large batch (a seed's) checks in time linear in its size.
  const byId = new Map(holders.map((row) => [row.id, row]))
  const byKey = new Map<string, typeof holders>()
  for (const row of holders) {
    const same = byKey.get(row.email_key)
    if (same) same.push(row)
    else byKey.set(row.email_key, [row])
  }

  for (const [id, mine] of position) {
    const me = byId.get(id)
    if (!me) continue
    const clash = byKey.get(me.email_key)!.some((other) => {
      if (other.id === id) return false
      // A later customer of the batch reports the clash itself, so the error names the later one.
      const theirs = position.get(other.id)
      if (theirs !== undefined && theirs > mine) return false
      return scopesMeet(scopeOf(me), scopeOf(other))
    })
    if (clash) throw emailInUse(kind, me.email)
  }
}
