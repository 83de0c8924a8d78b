import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorResponse } from './schemas.js'

// The OpenAPI document is generated from the route schemas (the same ones that validate and
// serialise): GET /openapi.json, and a browsable page at /docs.

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Clientele: BigCommerce Customers V3',
          description: 'A self-hostable server speaking the BigCommerce Customers V3 REST API.',
          version: '0.1.0',
        },
        components: {
          securitySchemes: { 'X-Auth-Token': { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
        },
        security: [{ 'X-Auth-Token': [] }],
      },
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'clientele-openapi' },
)

const ERROR_STATUSES = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429] as const

/** onRoute hook: every API route documents (and serialises) the error envelope for each error status. */
export function withErrorResponses(route: RouteOptions): void {
  const schema = (route.schema ??= {})
  const response = (schema.response ??= {}) as Record<string, unknown>
  for (const status of ERROR_STATUSES) response[status] ??= ErrorResponse
}
