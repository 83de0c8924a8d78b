import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ownerOf } from '../../core/auth.js'
import { CUSTOMERS } from '../../core/scopes.js'
import {
  AttributeValueBatch,
  AttributeValueList,
  DeleteAttributeValuesQuery,
  ListAttributeValuesQuery,
  UpsertAttributeValuesBody,
} from './schemas.js'
import * as values from './service.js'

const tags = ['Attribute Values']

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers/attribute-values', {
    schema: {
      summary: 'Get all customer attribute values', operationId: 'getCustomersAttributeValues', tags,
      querystring: ListAttributeValuesQuery, response: { 200: AttributeValueList },
    },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => values.listAttributeValues(app.db, ownerOf(req).storeId, req.query, req.url))

  app.put('/customers/attribute-values', {
    schema: {
      summary: 'Upsert customer attribute values', operationId: 'upsertCustomersAttributeValues', tags,
      body: UpsertAttributeValuesBody, response: { 200: AttributeValueBatch },
    },
    // 3 concurrent upserts per store (BEHAVIOUR 10, latest spec).
    config: { scopes: CUSTOMERS.write, concurrency: 3 },
  }, async (req) => ({ data: await values.upsertAttributeValues(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))

  app.delete('/customers/attribute-values', {
    schema: {
      summary: 'Delete customer attribute values', operationId: 'deleteCustomersAttributeValues', tags,
      querystring: DeleteAttributeValuesQuery, response: { 204: Type.Null() },
    },
    config: { scopes: CUSTOMERS.write },
  }, async (req, reply) => {
    await values.deleteAttributeValues(app.db, ownerOf(req).storeId, req.query['id:in'] ?? [])
    return reply.code(204).send(null)
  })
}

export default routes
