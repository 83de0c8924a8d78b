import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import * as stores from '../stores/service.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'
import { Account, AccountCreate, CreatedAccount, Store, StoreCreate } from './schemas.js'

// Stores and their API accounts, as the CLI's `stores` and `tokens` commands manage them.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/stores', { schema: { tags, summary: 'List stores', response: { 200: Type.Object({ data: Type.Array(Store) }), ...errors } } },
    async () => ({ data: await stores.listStores(app.db) }))

  app.post('/stores', { schema: { tags, summary: 'Create a store', body: StoreCreate, response: { 200: Type.Object({ data: Store }), ...errors } } },
    async (req) => ({ data: await stores.createStore(app.db, req.body.hash, req.body.name, app.clock) }))

  app.delete('/stores/:hash', { schema: { tags, summary: 'Delete a store and all its data', params: HashParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await stores.deleteStore(app.db, req.params.hash)
      return reply.code(204).send(null)
    })

  app.post('/stores/:hash/reset', { schema: { tags, summary: "Empty a store's data, keeping its API accounts and channels", params: HashParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await stores.resetStore(app.db, req.params.hash)
      return reply.code(204).send(null)
    })

  app.get('/stores/:hash/tokens', { schema: { tags, summary: "List a store's API accounts", params: HashParams, response: { 200: Type.Object({ data: Type.Array(Account) }), ...errors } } },
    async (req) => ({ data: await stores.listAccounts(app.db, req.params.hash) }))

  app.post('/stores/:hash/tokens', { schema: { tags, summary: 'Create an API account; its token is shown once', params: HashParams, body: AccountCreate, response: { 200: Type.Object({ data: CreatedAccount }), ...errors } } },
    async (req) => ({
      data: await stores.createAccount(app.db, { storeHash: req.params.hash, scopes: req.body.scopes, clientId: req.body.client_id, name: req.body.name }, app.clock),
    }))

  app.delete('/tokens/:client_id', { schema: { tags, summary: 'Revoke an API account', params: Type.Object({ client_id: Type.String() }), response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await stores.revokeAccount(app.db, req.params.client_id)
      return reply.code(204).send(null)
    })
}

export default routes
