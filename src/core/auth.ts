import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { missingScope, unauthorized } from './errors.js'
import type { RateLimit } from './rate-limit-plans.js'

// X-Auth-Token authentication for the BigCommerce API routes. Order of checks, each failing
// before the body is read: no or unknown token 401; a token of another store 403 (BigCommerce
// answers a wrong store hash with its missing-scope 403); a route's scope missing 403.

/** The account a token belongs to, as every API request resolves it. */
export interface TokenOwner {
  accountId: number
  clientId: string
  storeId: number
  storeHash: string
  scopes: Set<string>
  /** the store's own request quota, or null: the deployment's default applies */
  rateLimit: RateLimit | null
  /** the app's own request (the console's, through inject): not an app's traffic, so the inspector does not keep it */
  internal?: true
}

/** The header that marks a request the app makes to itself; only the process that made its secret can make one. */
export const INTERNAL_HEADER = 'x-clientele-internal'

export interface AuthOptions {
  /** resolves a token to its account (src/stores): given by the app, as core sits below stores */
  findTokenOwner: (db: Kysely<Database>, token: string) => Promise<TokenOwner | undefined>
  /** resolves a request carrying INTERNAL_HEADER (the console's); without it such a request is as one without a token */
  internalOwner?: (db: Kysely<Database>, req: FastifyRequest, secret: string) => Promise<TokenOwner | undefined>
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** scopes that admit this route: any one suffices */
    scopes?: readonly string[]
  }
}

// The owner is kept under a symbol only this module knows, so it is read through ownerOf, which
// refuses a request the auth hook never saw (admin, health) instead of handing back null.
const OWNER = Symbol('clientele.tokenOwner')
type OwnedRequest = FastifyRequest & { [OWNER]: TokenOwner | null }

/** The API account making the request; only for routes behind the auth hook (every /stores route). */
export function ownerOf(req: FastifyRequest): TokenOwner {
  const owner = (req as OwnedRequest)[OWNER]
  // A programming error (a route outside the auth hook's scope asking), answered 500.
  if (!owner) throw new Error(`ownerOf: ${req.method} ${req.routeOptions.url ?? req.url} is not behind the auth hook`)
  return owner
}

/** The account, when the auth hook admitted the request; undefined when it refused it or never saw it (the request inspector). */
export function ownerIfAny(req: FastifyRequest): TokenOwner | undefined {
  return (req as OwnedRequest)[OWNER] ?? undefined
}

async function ownerFor(db: Kysely<Database>, options: AuthOptions, req: FastifyRequest): Promise<TokenOwner | undefined> {
  const internal = req.headers[INTERNAL_HEADER]
  if (internal !== undefined) return typeof internal === 'string' && options.internalOwner ? options.internalOwner(db, req, internal) : undefined
  const token = req.headers['x-auth-token']
  if (typeof token !== 'string' || token === '') return undefined
  return options.findTokenOwner(db, token)
}

async function authenticate(this: FastifyInstance, options: AuthOptions, req: FastifyRequest): Promise<void> {
  const owner = await ownerFor(this.db, options, req)
  if (!owner) throw unauthorized()
  // X-Auth-Client is ignored, whatever it says, as BigCommerce ignores it: apps send their real
  // client id, which a stand-in's token never matches (COMPATIBILITY.md "Auth", DECISIONS 18).
  const { store_hash } = req.params as { store_hash?: string }
  if (store_hash !== owner.storeHash) throw missingScope()
  const needed = req.routeOptions.config.scopes
  // A route that declares no scopes is open to nobody: forgetting to declare one fails closed.
  if (!needed || !needed.some((scope) => owner.scopes.has(scope))) throw missingScope()
  const owned = req as OwnedRequest
  owned[OWNER] = owner
}

/** Adds the auth hook to every route of the scope it is registered in. */
export default fp<AuthOptions>(
  async (app, options) => {
    // Declared up front, so every request object has the same shape.
    app.decorateRequest(OWNER, null)
    app.addHook('onRequest', function (req) {
      return authenticate.call(this, options, req)
    })
  },
  { name: 'clientele-auth', dependencies: ['clientele-db'] },
)
