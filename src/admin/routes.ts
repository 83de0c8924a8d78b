import type { FastifyPluginAsync } from 'fastify'
import type { AdminSessions } from '../core/admin-session.js'
import { unauthorized } from '../core/errors.js'
import type { RateLimit } from '../core/rate-limit-plans.js'
import type { Inspector } from '../inspector/inspector.js'
import { adminErrorHandler } from './admin-errors.js'
import channelsRoutes from './channels-routes.js'
import limitsRoutes from './limits-routes.js'
import formFieldsRoutes from './form-fields-routes.js'
import instrumentsRoutes from './instruments-routes.js'
import requestsRoutes from './requests-routes.js'
import snapshotsRoutes from './snapshots-routes.js'
import storesRoutes from './stores-routes.js'
import webhookDeliveriesRoutes from './webhook-deliveries-routes.js'

// The admin API: what the CLI does, over HTTP, for test suites and CI scripts. Enabled only when
// ADMIN_TOKEN is set, and guarded by it as a bearer token, or by the console's session cookie
// (core/admin-session.ts), with its CSRF token on every change. Each admin area is one route module.

// Not wrapped in fastify-plugin: its scope is its own, so the hook and the error handler below
// reach the admin routes only, never the API's.
const admin: FastifyPluginAsync<{ sessions: AdminSessions; defaultRateLimit: RateLimit; inspector?: Inspector }> = async (app, options) => {
  const { sessions } = options
  // Before the route modules register: their scopes inherit the handler their parent has then.
  app.setErrorHandler(adminErrorHandler)
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization
    if (header !== undefined) {
      if (!sessions.isAdminToken(header.startsWith('Bearer ') ? header.slice(7) : '')) throw unauthorized()
      return
    }
    // No Authorization header: the console, signed in.
    sessions.signedIn(req, app.clock().getTime())
  })
  await app.register(storesRoutes)
  await app.register(formFieldsRoutes)
  await app.register(limitsRoutes, { defaultRateLimit: options.defaultRateLimit })
  await app.register(channelsRoutes)
  await app.register(instrumentsRoutes)
  await app.register(webhookDeliveriesRoutes)
  await app.register(snapshotsRoutes)
  await app.register(requestsRoutes, options.inspector ? { inspector: options.inspector } : {})
}

export default admin
