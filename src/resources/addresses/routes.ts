import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ownerOf } from '../../core/auth.js'
import { CUSTOMERS } from '../../core/scopes.js'
import {
  AddressBatch,
  AddressList,
  CreateAddressesBody,
  DeleteAddressesQuery,
  ListAddressesQuery,
  UpdateAddressesBody,
} from './schemas.js'
import * as addresses from './service.js'

const tags = ['Addresses']

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers/addresses', {
    schema: { summary: 'Get all customer addresses', operationId: 'getCustomersAddresses', tags, querystring: ListAddressesQuery, response: { 200: AddressList } },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => addresses.listAddresses(app.db, ownerOf(req).storeId, req.query, req.url))

  app.post('/customers/addresses', {
    schema: { summary: 'Create customer addresses', operationId: 'createCustomersAddresses', tags, body: CreateAddressesBody, response: { 200: AddressBatch } },
    // BigCommerce allows 10 concurrent POST /customers/addresses per store (BEHAVIOUR 10).
    config: { scopes: CUSTOMERS.write, concurrency: 10 },
  }, async (req) => ({ data: await addresses.createAddresses(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))

  app.put('/customers/addresses', {
    schema: { summary: 'Update customer addresses', operationId: 'updateCustomersAddresses', tags, body: UpdateAddressesBody, response: { 200: AddressBatch } },
    // 3 concurrent PUT /customers/addresses per store (BEHAVIOUR 10).
    config: { scopes: CUSTOMERS.write, concurrency: 3 },
  }, async (req) => ({ data: await addresses.updateAddresses(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))

  app.delete('/customers/addresses', {
    schema: { summary: 'Delete customer addresses', operationId: 'deleteCustomersAddresses', tags, querystring: DeleteAddressesQuery, response: { 204: Type.Null() } },
    config: { scopes: CUSTOMERS.write },
  }, async (req, reply) => {
    await addresses.deleteAddresses(app.db, ownerOf(req).storeId, req.query['id:in'] ?? [])
    return reply.code(204).send(null)
  })
}

export default routes
