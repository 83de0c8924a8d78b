import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { RuleError } from '../../core/errors.js'
import { channelIds } from '../../db/codecs.js'
import { hashPassword, verifyPassword } from '../../core/passwords.js'
import type { Database } from '../../db/schema.js'
import { emailKey as keyOf } from '../customers/index.js'
import { DEFAULT_CHANNEL, globalLoginsAllowed } from '../../stores/channels.js'
import type { LoginGuard } from './limits.js'
import * as q from './queries.js'
import type { ValidateCredentialsBody, ValidateCredentialsResult } from './schemas.js'

// Who may log in where (BEHAVIOUR 3.7, 3.10): a customer counts on a channel when its channel_ids
// list the channel, or it is global (channel_ids null) and the channel allows global logins. At
// most one customer of an email can count on a channel (email-scope.ts keeps such customers
// apart), so the answer names one customer or none.
//
// No account enumeration: a wrong password, an unknown email, a customer without a password and
// a customer without access to the channel all answer the same body, and all run exactly one
// scrypt verification (against a throwaway hash when no customer matched), so they also take
// the same time.

const INVALID: ValidateCredentialsResult = { is_valid: false, customer_id: null }

let throwaway: Promise<string> | undefined
/** A hash of a random password with the current parameters, made once: what unmatched attempts are verified against. */
export const throwawayHash = (): Promise<string> => (throwaway ??= hashPassword(randomBytes(24).toString('base64')))

export function mayLogIn(stored: string | null, channelId: number, globalLogins: boolean): boolean {
  const ids = channelIds.decode(stored)
  return ids === null ? globalLogins : ids.includes(channelId)
}

export async function validateCredentials(
  db: Kysely<Database>,
  guard: LoginGuard,
  storeId: number,
  client: string,
  body: ValidateCredentialsBody,
): Promise<ValidateCredentialsResult> {
  const channelId = body.channel_id ?? DEFAULT_CHANNEL
  const globalLogins = await globalLoginsAllowed(db, storeId, channelId)
  // Which channels a store has is no secret; saying so beats an is_valid false that hides a typo.
  if (globalLogins === undefined) throw new RuleError('channel_id', `channel ${channelId} does not exist`)

  const emailKey = keyOf(body.email)
  const refund = await guard.admit(storeId, emailKey, client)
  const candidates = await q.loginCandidates(db, storeId, emailKey)
  const customer = candidates.find((candidate) => mayLogIn(candidate.channel_ids, channelId, globalLogins))
  const hash = customer?.password_hash ?? (await throwawayHash())
  const valid = await verifyPassword(body.password, hash)
  if (!valid || !customer?.password_hash) return INVALID
  await refund()
  return { is_valid: true, customer_id: customer.id }
}
