import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { sameSecret } from '../core/admin-session.js'
import type { TokenOwner } from '../core/auth.js'
import { PLANS } from '../core/rate-limit-plans.js'
import { ALL_SCOPES } from '../core/scopes.js'
import type { Database } from '../db/schema.js'
import { StoreAdminError, storeIdOf } from '../stores/lookup.js'

// How the console reaches a store's API: its proxy injects the request into the app with a
// secret made when the app is built, which never leaves the process, and the auth hook takes it
// for an account with every scope of that store. Such a request goes through the API's own
// routes and services (validation, events, errors), but is not an app's traffic: the quota does
// not count it (unlimited) and the request inspector does not keep it (`internal`).

/** The client id the console's requests carry (no API account has it: theirs are 32 hex characters). */
export const CONSOLE_CLIENT_ID = 'console'

export class ConsoleAccess {
  readonly secret = randomBytes(32).toString('base64url')

  /** AuthOptions.internalOwner: the console's owner of the store the URL names, when the secret is ours. */
  readonly ownerOf = async (db: Kysely<Database>, req: FastifyRequest, given: string): Promise<TokenOwner | undefined> => {
    if (!sameSecret(given, this.secret)) return undefined
    const storeHash = (req.params as { store_hash?: string }).store_hash
    if (storeHash === undefined) return undefined
    const storeId = await storeIdOf(db, storeHash).catch((error: unknown) => {
      if (error instanceof StoreAdminError) return undefined
      throw error
    })
    if (storeId === undefined) return undefined
    return { accountId: 0, clientId: CONSOLE_CLIENT_ID, storeId, storeHash, scopes: new Set(ALL_SCOPES), rateLimit: PLANS.unlimited, internal: true }
  }
}
