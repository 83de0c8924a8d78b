import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ownerOf } from '../../core/auth.js'
import { CUSTOMERS } from '../../core/scopes.js'
import { FormFieldValueBatch, FormFieldValueList, ListFormFieldValuesQuery, UpsertFormFieldValuesBody } from './schemas.js'
import * as values from './service.js'

const tags = ['Form Field Values']

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers/form-field-values', {
    schema: {
      summary: 'Get customer form field values', operationId: 'getCustomersFormFieldValues', tags,
      querystring: ListFormFieldValuesQuery, response: { 200: FormFieldValueList },
    },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => values.listFormFieldValues(app.db, ownerOf(req).storeId, req.query, req.url))

  app.put('/customers/form-field-values', {
    schema: {
      summary: 'Upsert customer form field values', operationId: 'updateCustomerFormFieldValues', tags,
      body: UpsertFormFieldValuesBody, response: { 200: FormFieldValueBatch },
    },
    // 10 concurrent upserts per store (BEHAVIOUR 10).
    config: { scopes: CUSTOMERS.write, concurrency: 10 },
  }, async (req) => ({ data: await values.upsertFormFieldValues(app.db, app.clock(), ownerOf(req).storeId, req.body), meta: {} }))
}

export default routes
