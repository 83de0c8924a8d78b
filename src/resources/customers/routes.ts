import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
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
/** the Content-Type Fastify gives a serialized object */
const JSON_BODY = 'application/json; charset=utf-8'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers', {
    schema: { summary: 'Get all customers', operationId: 'getCustomers', tags, querystring: ListCustomersQuery, response: { 200: CustomerList } },
    config: { scopes: CUSTOMERS.read },
  }, async (req, reply) => {
    // Already the response's bytes (representation.ts): a string is sent as it is, so the reply
    // is taken untyped here (the schema types the objects the text was made from).
    const text = await customers.listCustomersJson(app.db, ownerOf(req).storeId, req.query, req.url)
    return (reply as unknown as FastifyReply).type(JSON_BODY).send(text)
  })

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
