import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ownerOf } from '../../core/auth.js'
import { STORED_INSTRUMENTS } from '../../core/scopes.js'
import { CustomerParams, StoredInstrumentList } from './schemas.js'
import * as instruments from './service.js'

// GET /customers/{customerId}/stored-instruments: a bare array (BEHAVIOUR 8). Its own scopes,
// not the customers ones: a token with only store_v2_customers gets 403.

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers/:customerId/stored-instruments', {
    schema: {
      summary: 'Get stored instruments', operationId: 'getCustomerStoredInstruments', tags: ['Stored Instruments'],
      params: CustomerParams, response: { 200: StoredInstrumentList },
    },
    config: { scopes: STORED_INSTRUMENTS.read },
  }, async (req) => instruments.listInstruments(app.db, ownerOf(req).storeId, req.params.customerId))
}

export default routes
