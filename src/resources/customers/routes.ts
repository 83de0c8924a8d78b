import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { CUSTOMERS } from '../../core/scopes.js'
import {
  CreateCustomersBody,
  CustomerBatch,
  CustomerList,
  DeleteCustomersQuery,
  ListCustomersQuery,
  UpdateCustomersBody,
} from './schemas.js'
import * as customers from './service.js'

const tags = ['Customers']

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers', {
    schema: { summary: 'Get all customers', operationId: 'getCustomers', tags, querystring: ListCustomersQuery, response: { 200: CustomerList } },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => customers.listCustomers(app.db, req.auth.storeId, req.query, req.url))

  app.post('/customers', {
    schema: { summary: 'Create customers', operationId: 'createCustomers', tags, body: CreateCustomersBody, response: { 200: CustomerBatch } },
    config: { scopes: CUSTOMERS.write },
  }, async (req) => ({ data: await customers.createCustomers(app.db, app.clock(), req.auth.storeId, req.body), meta: {} }))

  app.put('/customers', {
    schema: { summary: 'Update customers', operationId: 'updateCustomers', tags, body: UpdateCustomersBody, response: { 200: CustomerBatch } },
    // BigCommerce allows 3 concurrent PUT /customers per store (BEHAVIOUR 10).
    config: { scopes: CUSTOMERS.write, concurrency: 3 },
  }, async (req) => ({ data: await customers.updateCustomers(app.db, app.clock(), req.auth.storeId, req.body), meta: {} }))

  app.delete('/customers', {
    schema: { summary: 'Delete customers', operationId: 'deleteCustomers', tags, querystring: DeleteCustomersQuery, response: { 204: Type.Null() } },
    config: { scopes: CUSTOMERS.write },
  }, async (req, reply) => {
    await customers.deleteCustomers(app.db, req.auth.storeId, req.query['id:in'] ?? [])
    return reply.code(204).send(null)
  })
}

export default routes
