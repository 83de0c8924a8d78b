import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ownerOf } from '../../core/auth.js'
import { CUSTOMERS } from '../../core/scopes.js'
import { Consent, ConsentUpdate, CustomerParams } from './schemas.js'
import * as consent from './service.js'

// GET|PUT /customers/{customerId}/consent: bare objects (BEHAVIOUR 7, 14).

const tags = ['Consent']

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers/:customerId/consent', {
    schema: { summary: 'Get customer consent', operationId: 'getCustomerConsent', tags, params: CustomerParams, response: { 200: Consent } },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => consent.getConsent(app.db, app.clock(), ownerOf(req).storeId, req.params.customerId))

  app.put('/customers/:customerId/consent', {
    schema: {
      summary: 'Update customer consent', operationId: 'updateCustomerConsent', tags,
      params: CustomerParams, body: ConsentUpdate, response: { 200: Consent },
    },
    config: { scopes: CUSTOMERS.write },
  }, async (req) => consent.updateConsent(app.db, app.clock(), ownerOf(req).storeId, req.params.customerId, req.body))
}

export default routes
