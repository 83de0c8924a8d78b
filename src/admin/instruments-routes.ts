import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import * as instruments from '../resources/stored-instruments/fixtures.js'
import { INSTRUMENT_FIXTURES, StoredInstrument } from '../resources/stored-instruments/schemas.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'

// A customer's stored payment instruments as test fixtures, as the CLI's `instruments` commands
// manage them: real stores get them from payments, which Clientele does not take. The API only
// reads them (GET /customers/{customerId}/stored-instruments).

const tags = ['Admin']
const CustomerParams = Type.Object({ hash: Type.String(), customer_id: Type.Integer() })
const InstrumentParams = Type.Object({ hash: Type.String(), customer_id: Type.Integer(), token: Type.String() })
const path = '/stores/:hash/customers/:customer_id/stored-instruments'

// Only the type is checked here: the fixture service checks the rest against the type's shape
// (for the CLI too), which says plainly what is wrong where a union schema would list every branch.
const InstrumentBody = Type.Object(
  { type: Type.Enum(Object.keys(INSTRUMENT_FIXTURES) as (keyof typeof INSTRUMENT_FIXTURES)[]) },
  {
    additionalProperties: true,
    description: 'The fields of the type (as GET /customers/{id}/stored-instruments shows them); token (default random) and is_default (default false) optional',
  },
)

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(path, {
    schema: {
      tags, summary: "List a customer's stored instruments", params: CustomerParams,
      response: { 200: Type.Object({ data: Type.Array(StoredInstrument) }), ...errors },
    },
  }, async (req) => ({ data: await instruments.listInstrumentsOf(app.db, req.params.hash, req.params.customer_id) }))

  app.post(path, {
    schema: {
      tags, summary: 'Add a stored instrument; a new default replaces the old one', params: CustomerParams,
      body: InstrumentBody, response: { 200: Type.Object({ data: StoredInstrument }), ...errors },
    },
  }, async (req) => ({
    data: await instruments.addInstrument(app.db, req.params.hash, req.params.customer_id, req.body, app.clock),
  }))

  app.delete(`${path}/:token`, {
    schema: { tags, summary: 'Remove a stored instrument', params: InstrumentParams, response: { 204: Type.Null(), ...errors } },
  }, async (req, reply) => {
    await instruments.removeInstrument(app.db, req.params.hash, req.params.customer_id, req.params.token)
    return reply.code(204).send(null)
  })
}

export default routes
