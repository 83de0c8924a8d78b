import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Kysely } from 'kysely'
import adminRoutes from './admin/routes.js'
import auth from './core/auth.js'
import { systemClock, type Clock } from './core/dates.js'
import { frameworkError, installErrorHandling } from './core/error-handler.js'
import { installHttpConventions, installTextGuard, RequestLog } from './core/http.js'
import openapi, { withErrorResponses } from './core/openapi.js'
import { validatorCompiler } from './core/validation.js'
import dbPlugin from './db/plugin.js'
import type { Database } from './db/schema.js'
import customers from './resources/customers/routes.js'
import { METAFIELD_RESOURCES } from './resources/metafields/resources.js'
import { metafieldRoutes } from './resources/metafields/routes.js'

export interface AppOptions {
  db: Kysely<Database>
  /** pino options, or false for silence (tests) */
  logger?: FastifyServerOptions['logger']
  /** enables the admin API under /admin, guarded by this bearer token */
  adminToken?: string
  clock?: Clock
  /** largest request body, bytes */
  bodyLimit?: number
  /** destroy `db` when the app closes */
  closeDatabase?: boolean
}

export const API_PREFIX = '/stores/:store_hash/v3'

/** Builds the application, ready for `inject` or `listen`; opens nothing and reads no environment. */
export function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLog(),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    frameworkErrors: frameworkError,
    // A caller's X-Request-Id is kept (so logs join up across services), else a UUID: unique across processes.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  installErrorHandling(app)
  installHttpConventions(app)
  installTextGuard(app)

  app.register(dbPlugin, { db: options.db, clock: options.clock ?? systemClock, closeWithApp: options.closeDatabase ?? false })
  app.register(openapi)

  // The BigCommerce API: every resource, under the store prefix, behind X-Auth-Token.
  app.register(async (api) => {
    api.register(auth)
    api.addHook('onRoute', withErrorResponses)
    api.register(customers)
    for (const resource of METAFIELD_RESOURCES) api.register(metafieldRoutes(resource))
  }, { prefix: API_PREFIX })

  if (options.adminToken) app.register(adminRoutes, { prefix: '/admin', token: options.adminToken })

  return app
}

export type App = ReturnType<typeof buildApp>
