import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MAX_INTEGER } from '../db/schema.js'
import { FIELD_TYPES, FORMS } from '../resources/form-field-values/schemas.js'
import * as formFields from '../resources/form-field-values/definitions.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'

// A store's form field definitions, as the CLI's `form-fields` commands manage them. BigCommerce
// keeps these in its control panel; the API only writes and reads their values.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })

const FormField = Type.Object({
  id: Type.Integer(),
  form: Type.Enum(FORMS),
  name: Type.String(),
  type: Type.Enum(FIELD_TYPES),
  options: Type.Union([Type.Array(Type.String()), Type.Null()]),
  required: Type.Boolean(),
  date_created: Type.String(),
})

const FormFieldCreate = Type.Object({
  form: Type.Enum(FORMS, { description: 'customer: the account sign-up form; address: the address form' }),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  type: Type.Enum(FIELD_TYPES),
  options: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'picklist, radiobuttons, checkboxes: the choices' })),
  required: Type.Optional(Type.Boolean({ description: 'A customer (or address) created without it is refused' })),
})

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/stores/:hash/form-fields', {
    schema: { tags, summary: "List a store's form fields", params: HashParams, response: { 200: Type.Object({ data: Type.Array(FormField) }), ...errors } },
  }, async (req) => ({ data: await formFields.listFormFields(app.db, req.params.hash) }))

  app.post('/stores/:hash/form-fields', {
    schema: { tags, summary: 'Define a form field', params: HashParams, body: FormFieldCreate, response: { 200: Type.Object({ data: FormField }), ...errors } },
  }, async (req) => ({ data: await formFields.createFormField(app.db, req.params.hash, req.body, app.clock) }))

  app.delete('/stores/:hash/form-fields/:id', {
    schema: {
      tags, summary: 'Delete a form field and all its values',
      params: Type.Object({ hash: Type.String(), id: Type.Integer({ minimum: 1, maximum: MAX_INTEGER }) }),
      response: { 204: Type.Null(), ...errors },
    },
  }, async (req, reply) => {
    await formFields.deleteFormField(app.db, req.params.hash, req.params.id)
    return reply.code(204).send(null)
  })
}

export default routes
