import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Kysely } from 'kysely'
import adminRoutes from './admin/routes.js'
import { ConsoleAccess } from './console/internal-access.js'
import consolePlugin from './console/plugin.js'
import { requireJsonAccepted } from './core/accept.js'
import { AdminSessions } from './core/admin-session.js'
import auth from './core/auth.js'
import { clientError, installGentleClose } from './core/client-errors.js'
import { DEFAULT_INSPECTOR_BODY_LIMIT, DEFAULT_INSPECTOR_SIZE } from './core/config.js'
import { MemoryCounterStore, type CounterStore } from './core/counter-store.js'
import { systemClock, type Clock } from './core/dates.js'
import type { DestinationMode } from './core/destinations.js'
import { frameworkError, installErrorHandling } from './core/error-handler.js'
import health from './core/health.js'
import { installHttpConventions, installTextGuard, RequestLog } from './core/http.js'
import { DEFAULT_MAX_JSON_DEPTH } from './core/json-depth.js'
import limits from './core/limits.js'
import metrics from './core/metrics.js'
import openapi, { withErrorResponses } from './core/openapi.js'
import { installProtocolSwitchHandling } from './core/protocol-switches.js'
import { PLANS, type RateLimit } from './core/rate-limit-plans.js'
import { installSecurityHeaders } from './core/security-headers.js'
import { validatorCompiler } from './core/validation.js'
import dbPlugin from './db/plugin.js'
import type { Database } from './db/schema.js'
import { Inspector } from './inspector/inspector.js'
import { MemoryRequestStore } from './inspector/memory-store.js'
import inspectorPlugin from './inspector/plugin.js'
import type { RequestStore } from './inspector/store.js'
import addresses from './resources/addresses/routes.js'
import attributeValues from './resources/attribute-values/routes.js'
import attributes from './resources/attributes/routes.js'
import consent from './resources/consent/routes.js'
import customerSettings from './resources/customer-settings/routes.js'
import customers from './resources/customers/routes.js'
import { passwordFieldNames } from './resources/form-field-values/index.js'
import formFieldValues from './resources/form-field-values/routes.js'
import hooks from './resources/hooks/routes.js'
import { METAFIELD_RESOURCES } from './resources/metafields/resources.js'
import { metafieldRoutes } from './resources/metafields/routes.js'
import storedInstruments from './resources/stored-instruments/routes.js'
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './resources/validate-credentials/limits.js'
import validateCredentials from './resources/validate-credentials/routes.js'
import { findTokenOwner } from './stores/service.js'

export interface AppOptions {
  db: Kysely<Database>
  /** pino options, or false for silence (tests) */
  logger?: FastifyServerOptions['logger']
  /** enables the admin API under /admin, guarded by this bearer token, and the console at /console/, signed in with it */
  adminToken?: string
  clock?: Clock
  /** largest request body, bytes */
  bodyLimit?: number
  /** destroy `db` when the app closes */
  closeDatabase?: boolean
  /** PostgreSQL: the schema of Clientele's tables, for the readiness check's migration lookup */
  databaseSchema?: string
  /** quota and concurrency counters: in memory unless given (the server passes Redis when REDIS_URL is set) */
  counters?: CounterStore
  /** deepest nesting of objects and arrays a JSON body may have (deeper: 400) */
  maxJsonDepth?: number
  /** socket timeouts; Node's and Fastify's defaults when not given */
  timeouts?: ServerTimeouts
  /** /metrics also reports the Node process (CPU, memory, event loop, GC) */
  processMetrics?: boolean
  /** failed validate-credentials attempts allowed per email and per client address */
  loginLimits?: LoginLimits
  /** the request quota of a store without one of its own (DEFAULT_RATE_LIMIT); unlimited when not given */
  defaultRateLimit?: RateLimit
  /** which webhook destinations may be saved (WEBHOOK_DESTINATIONS); `any` when not given */
  webhookDestinations?: DestinationMode
  /** the console at /console/ (with the admin API only); false leaves it out (CONSOLE=off) */
  console?: boolean
  /** the request inspector (kept only with the admin API, which serves it); false turns it off (INSPECTOR=off) */
  inspector?: false | InspectorOptions
}

export interface InspectorOptions {
  /** where entries are kept: in memory unless given (the server passes Redis's when REDIS_URL is set) */
  store?: RequestStore
  /** the in-memory store's entries per store (INSPECTOR_SIZE) */
  size?: number
  /** the in-memory store's bytes kept of each body (INSPECTOR_BODY_LIMIT) */
  bodyLimit?: number
  /** how often a live stream sends a heartbeat comment */
  heartbeatMs?: number
}

/** The inspector's defaults when the app is built without settings (the server passes the config's). */
const INSPECTOR_DEFAULTS = { size: DEFAULT_INSPECTOR_SIZE, bodyLimit: DEFAULT_INSPECTOR_BODY_LIMIT, heartbeatMs: 15_000 }

function inspectorOf(options: AppOptions): Inspector | undefined {
  if (!options.adminToken || options.inspector === false) return undefined
  const given = options.inspector ?? {}
  const store = given.store ?? new MemoryRequestStore(given.size ?? INSPECTOR_DEFAULTS.size, given.bodyLimit ?? INSPECTOR_DEFAULTS.bodyLimit)
  return new Inspector(store, { heartbeatMs: given.heartbeatMs ?? INSPECTOR_DEFAULTS.heartbeatMs })
}

/** Milliseconds; 0 turns one off. */
export interface ServerTimeouts {
  /** a socket with no traffic either way for this long is closed */
  connectionTimeout: number
  /** an idle keep-alive connection waits this long for the client's next request */
  keepAliveTimeout: number
  /** a client has this long to send a whole request, headers and body (then 408) */
  requestTimeout: number
}

/** Fastify's timeout and HTTP server options; Node checks request timeouts every `connectionsCheckingInterval`, so it follows the timeout. */
function timeoutOptions(timeouts: ServerTimeouts | undefined) {
  // Node answers a missing Host itself, outside the envelope; installHttpConventions answers it.
  const http = { requireHostHeader: false }
  if (!timeouts) return { http }
  const { connectionTimeout, keepAliveTimeout, requestTimeout } = timeouts
  const checks = requestTimeout > 0
    ? { headersTimeout: Math.min(60_000, requestTimeout), connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeout / 4))) }
    : {}
  return { connectionTimeout, keepAliveTimeout, requestTimeout, http: { ...http, ...checks } }
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
    clientErrorHandler: clientError,
    // A caller's X-Request-Id is kept (so logs join up across services), else a UUID: unique across processes.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ...timeoutOptions(options.timeouts),
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  installErrorHandling(app)
  installHttpConventions(app, { maxJsonDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH })
  installTextGuard(app)
  installSecurityHeaders(app)
  installGentleClose(app)
  installProtocolSwitchHandling(app)
  // In memory, windows follow the app's clock (tests move it); Redis keeps its own time.
  const clock = options.clock ?? systemClock
  const defaultRateLimit = options.defaultRateLimit ?? PLANS.unlimited
  app.decorate('counters', options.counters ?? new MemoryCounterStore(() => clock().getTime()))

  app.decorate('clock', clock)
  app.register(dbPlugin, { db: options.db, closeWithApp: options.closeDatabase ?? false })
  app.register(openapi)
  app.register(metrics, { processMetrics: options.processMetrics ?? false })
  app.register(health, options.databaseSchema ? { databaseSchema: options.databaseSchema } : {})
  // Before the API: its onRoute hook reads each API route's response schemas as they are added.
  const inspector = inspectorOf(options)
  // The console reaches the API as an account of its own making, when the admin API is on.
  const consoleAccess = options.adminToken && options.console !== false ? new ConsoleAccess() : undefined
  if (inspector) app.register(inspectorPlugin, { inspector, passwordFields: passwordFieldNames })

  // The BigCommerce API: every resource, under the store prefix, behind X-Auth-Token.
  app.register(async (api) => {
    // Awaited: their hooks must run first, in this order, before the one added below.
    await api.register(auth, { findTokenOwner, ...(consoleAccess ? { internalOwner: consoleAccess.ownerOf } : {}) })
    await api.register(limits, { defaultRateLimit })
    // After the quota hook: a 406 counts against the quota and carries its headers, as any answer.
    api.addHook('onRequest', requireJsonAccepted)
    api.addHook('onRoute', withErrorResponses)
    api.register(customers)
    api.register(addresses)
    api.register(attributes)
    api.register(attributeValues)
    api.register(formFieldValues)
    api.register(customerSettings)
    api.register(validateCredentials, { limits: options.loginLimits ?? DEFAULT_LOGIN_LIMITS })
    api.register(consent)
    api.register(storedInstruments)
    for (const resource of METAFIELD_RESOURCES) api.register(metafieldRoutes(resource))
    api.register(hooks, { destinations: options.webhookDestinations ?? 'any' })
  }, { prefix: API_PREFIX })

  if (options.adminToken) {
    const sessions = new AdminSessions(options.adminToken)
    app.register(adminRoutes, { prefix: '/admin', sessions, defaultRateLimit, ...(inspector ? { inspector } : {}) })
    if (consoleAccess) app.register(consolePlugin, { prefix: '/console', sessions, access: consoleAccess })
  }

  return app
}

export type App = ReturnType<typeof buildApp>
