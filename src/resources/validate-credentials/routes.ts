import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ownerOf } from '../../core/auth.js'
import { CUSTOMERS } from '../../core/scopes.js'
import { LoginGuard, type LoginLimits } from './limits.js'
import { ValidateCredentialsBody, ValidateCredentialsResult } from './schemas.js'
import { throwawayHash, validateCredentials } from './service.js'

// POST /customers/validate-credentials: a bare object (BEHAVIOUR 3.7). It changes nothing, so the
// read-only customers scope is enough (BEHAVIOUR 12's inference; docs/COMPATIBILITY.md).

export interface ValidateCredentialsOptions {
  limits: LoginLimits
}

const routes: FastifyPluginAsyncTypebox<ValidateCredentialsOptions> = async (app, options) => {
  const guard = new LoginGuard(app.counters, options.limits)
  // Made ahead, so that the first unknown email does not pay for making it.
  void throwawayHash()

  app.post('/customers/validate-credentials', {
    schema: {
      summary: 'Validate customer credentials', operationId: 'validateCustomerCredentials', tags: ['Validate Credentials'],
      body: ValidateCredentialsBody, response: { 200: ValidateCredentialsResult },
    },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => validateCredentials(app.db, guard, ownerOf(req).storeId, req.ip, req.body))
}

export default routes
