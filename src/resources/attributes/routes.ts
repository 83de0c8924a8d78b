import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ownerOf } from '../../core/auth.js'
import { CUSTOMERS } from '../../core/scopes.js'
import {
  AttributeBatch,
  AttributeList,
  CreateAttributesBody,
  DeleteAttributesQuery,
  ListAttributesQuery,
  UpdateAttributesBody,
} from './schemas.js'
import * as attributes from './service.js'

const tags = ['Attributes']

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers/attributes', {
    schema: { summary: 'Get all customer attributes', operationId: 'getCustomersAttributes', tags, querystring: ListAttributesQuery, response: { 200: AttributeList } },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => attributes.listAttributes(app.db, ownerOf(req).storeId, req.query, req.url))

  app.post('/customers/attributes', {
    schema: { summary: 'Create customer attributes', operationId: 'createCustomersAttributes', tags, body: CreateAttributesBody, response: { 200: AttributeBatch } },
    // 3 concurrent POST and 3 concurrent PUT /customers/attributes per store (BEHAVIOUR 10).
    config: { scopes: CUSTOMERS.write, concurrency: 3 },
  }, async (req) => ({ data: await attributes.createAttributes(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))

  app.put('/customers/attributes', {
    schema: { summary: 'Update customer attributes', operationId: 'updateCustomersAttributes', tags, body: UpdateAttributesBody, response: { 200: AttributeBatch } },
    config: { scopes: CUSTOMERS.write, concurrency: 3 },
  }, async (req) => ({ data: await attributes.updateAttributes(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))

  app.delete('/customers/attributes', {
    schema: { summary: 'Delete customer attributes', operationId: 'deleteCustomersAttributes', tags, querystring: DeleteAttributesQuery, response: { 204: Type.Null() } },
    config: { scopes: CUSTOMERS.write },
  }, async (req, reply) => {
    await attributes.deleteAttributes(app.db, ownerOf(req).storeId, req.query['id:in'] ?? [])
    return reply.code(204).send(null)
  })
}

export default routes
