import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ownerOf } from '../../core/auth.js'
import { TITLES } from '../../core/errors.js'
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
  }, async (req) => customers.listCustomers(app.db, ownerOf(req).storeId, req.query, req.url))

  app.post('/customers', {
    schema: { summary: 'Create customers', operationId: 'createCustomers', tags, body: CreateCustomersBody, response: { 200: CustomerBatch } },
    // Its rules, and those of the sub-resources nested in it, are reported under its own title (DECISIONS 2).
    config: { scopes: CUSTOMERS.write, ruleTitle: TITLES.createCustomersFailed },
  }, async (req) => ({ data: await customers.createCustomers(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))

  app.put('/customers', {
    schema: { summary: 'Update customers', operationId: 'updateCustomers', tags, body: UpdateCustomersBody, response: { 200: CustomerBatch } },
    // BigCommerce allows 3 concurrent PUT /customers per store (BEHAVIOUR 10).
    config: { scopes: CUSTOMERS.write, concurrency: 3, ruleTitle: TITLES.updateCustomersFailed },
  }, async (req) => ({ data: await customers.updateCustomers(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))

  app.delete('/customers', {
    schema: { summary: 'Delete customers', operationId: 'deleteCustomers', tags, querystring: DeleteCustomersQuery, response: { 204: Type.Null() } },
    config: { scopes: CUSTOMERS.write },
  }, async (req, reply) => {
    await customers.deleteCustomers(app.db, ownerOf(req).storeId, req.query['id:in'] ?? [])
    return reply.code(204).send(null)
  })
}

export default routes
