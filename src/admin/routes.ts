import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ApiError, unauthorized } from '../core/errors.js'
import { ErrorResponse } from '../core/schemas.js'
import * as stores from '../stores/service.js'
import { Account, AccountCreate, CreatedAccount, Store, StoreCreate } from './schemas.js'

// The admin API: what the CLI does, over HTTP, for test suites and CI scripts. Enabled only when
// ADMIN_TOKEN is set, and guarded by it as a bearer token.

const digest = (text: string) => createHash('sha256').update(text).digest()

function toApiError(error: unknown): unknown {
  if (!(error instanceof stores.StoreAdminError)) return error
  const status = error.kind === 'not_found' ? 404 : error.kind === 'conflict' ? 409 : 422
  return new ApiError(status, error.message)
}

async function admin<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toApiError(error)
  }
}

const tags = ['Admin']
const errors = { 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse }
const HashParams = Type.Object({ hash: Type.String() })

const routes: FastifyPluginAsyncTypebox<{ token: string }> = async (app, options) => {
  const expected = digest(options.token)
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice(7) : ''
    if (!timingSafeEqual(digest(given), expected)) throw unauthorized()
  })

  app.get('/stores', { schema: { tags, summary: 'List stores', response: { 200: Type.Object({ data: Type.Array(Store) }), ...errors } } },
    async () => ({ data: await stores.listStores(app.db) }))

  app.post('/stores', { schema: { tags, summary: 'Create a store', body: StoreCreate, response: { 200: Type.Object({ data: Store }), ...errors } } },
    async (req) => ({ data: await admin(() => stores.createStore(app.db, req.body.hash, req.body.name, app.clock)) }))

  app.delete('/stores/:hash', { schema: { tags, summary: 'Delete a store and all its data', params: HashParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await admin(() => stores.deleteStore(app.db, req.params.hash))
      return reply.code(204).send(null)
    })

  app.post('/stores/:hash/reset', { schema: { tags, summary: "Empty a store's data, keeping its API accounts", params: HashParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await admin(() => stores.resetStore(app.db, req.params.hash))
      return reply.code(204).send(null)
    })

  app.get('/stores/:hash/tokens', { schema: { tags, summary: "List a store's API accounts", params: HashParams, response: { 200: Type.Object({ data: Type.Array(Account) }), ...errors } } },
    async (req) => ({ data: await admin(() => stores.listAccounts(app.db, req.params.hash)) }))

  app.post('/stores/:hash/tokens', { schema: { tags, summary: 'Create an API account; its token is shown once', params: HashParams, body: AccountCreate, response: { 200: Type.Object({ data: CreatedAccount }), ...errors } } },
    async (req) => ({
      data: await admin(() =>
        stores.createAccount(app.db, { storeHash: req.params.hash, scopes: req.body.scopes, clientId: req.body.client_id, name: req.body.name }, app.clock),
      ),
    }))

  app.delete('/tokens/:client_id', { schema: { tags, summary: 'Revoke an API account', params: Type.Object({ client_id: Type.String() }), response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await admin(() => stores.revokeAccount(app.db, req.params.client_id))
      return reply.code(204).send(null)
    })
}

export default routes
