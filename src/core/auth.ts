import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { findTokenOwner, type TokenOwner } from '../stores/service.js'
import { missingScope, unauthorized } from './errors.js'

// X-Auth-Token authentication for the BigCommerce API routes. Order of checks, each failing
// before the body is read: no or unknown token 401; a token of another store 403 (BigCommerce
// answers a wrong store hash with its missing-scope 403); a route's scope missing 403.

declare module 'fastify' {
  interface FastifyRequest {
    /** the API account making the request; set by the auth hook on every /stores route */
    auth: TokenOwner
  }
  interface FastifyContextConfig {
    /** scopes that admit this route: any one suffices */
    scopes?: readonly string[]
  }
}

async function authenticate(this: FastifyInstance, req: FastifyRequest): Promise<void> {
  const token = req.headers['x-auth-token']
  if (typeof token !== 'string' || token === '') throw unauthorized()
  const owner = await findTokenOwner(this.db, token)
  if (!owner) throw unauthorized()
  // X-Auth-Client is ignored, whatever it says, as BigCommerce ignores it: apps send their real
  // client id, which a stand-in's token never matches (COMPATIBILITY.md "Auth", DECISIONS 18).
  const { store_hash } = req.params as { store_hash?: string }
  if (store_hash !== owner.storeHash) throw missingScope()
  const needed = req.routeOptions.config.scopes
  // A route that declares no scopes is open to nobody: forgetting to declare one fails closed.
  if (!needed || !needed.some((scope) => owner.scopes.has(scope))) throw missingScope()
  req.auth = owner
}

/** Adds the auth hook to every route of the scope it is registered in. */
export default fp(
  async (app) => {
    app.decorateRequest('auth', null as unknown as TokenOwner)
    app.addHook('onRequest', authenticate)
  },
  { name: 'clientele-auth', dependencies: ['clientele-db'] },
)
