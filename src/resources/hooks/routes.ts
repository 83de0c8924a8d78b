import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ownerOf } from '../../core/auth.js'
import { emptyWebhookUpdate } from '../../core/errors.js'
import { ALL_SCOPES } from '../../core/scopes.js'
import {
  AdminQuery,
  AdminResponse,
  AdminUpdate,
  EventList,
  HookCreate,
  HookList,
  HookParams,
  HookResponse,
  HookUpdate,
  ListEventsQuery,
  ListHooksQuery,
} from './schemas.js'
import * as hooks from './service.js'
import type { HookRules } from './service.js'

// Webhooks V3 (/hooks). No OAuth scope is needed: any API account manages its own hooks
// (webhooks.v3.yml securitySchemes), so every scope admits these routes, read-only ones included.

const scopes = ALL_SCOPES
const single = ['Manage Webhooks (Single)']
const bulk = ['Manage Webhooks (Bulk)']
const admin = ['Webhooks Admin']

const routes: FastifyPluginAsyncTypebox<HookRules> = async (app, rules) => {
  app.post('/hooks', {
    schema: { summary: 'Create a webhook', operationId: 'createWebhooks', tags: bulk, body: HookCreate, response: { 200: HookResponse } },
    config: { scopes },
  }, async (req) => ({ data: await hooks.createHook(app.db, app.clock(), rules, ownerOf(req), req.body), meta: {} }))

  app.get('/hooks', {
    schema: { summary: "Get the account's webhooks", operationId: 'getWebhooks', tags: bulk, querystring: ListHooksQuery, response: { 200: HookList } },
    config: { scopes },
  }, async (req) => hooks.listHooks(app.db, ownerOf(req), req.query, req.url))

  app.get('/hooks/admin', {
    schema: { summary: 'Get admin info', operationId: 'getHooksAdmin', tags: admin, querystring: AdminQuery, response: { 200: AdminResponse } },
    config: { scopes },
  }, async (req) => hooks.getAdmin(app.db, ownerOf(req), req.query, req.url))

  app.put('/hooks/admin', {
    schema: { summary: 'Upsert email notifications', operationId: 'updateHooksAdmin', tags: admin, body: AdminUpdate, response: { 204: Type.Null() } },
    config: { scopes },
  }, async (req, reply) => {
    await hooks.setAdminEmails(app.db, ownerOf(req), req.body.emails)
    return reply.code(204).send(null)
  })

  app.get('/hooks/events', {
    schema: {
      summary: 'Get events that could not be delivered', operationId: 'getWebhookEvents', tags: ['Webhook Events'], deprecated: true,
      querystring: ListEventsQuery, response: { 200: EventList },
    },
    config: { scopes },
  }, async (req) => hooks.listFailedEvents(app.db, ownerOf(req), req.query, req.url))

  app.get('/hooks/:webhook_id', {
    schema: { summary: 'Get a webhook', operationId: 'getWebhook', tags: single, params: HookParams, response: { 200: HookResponse } },
    config: { scopes },
  }, async (req) => ({ data: await hooks.getHook(app.db, ownerOf(req), req.params.webhook_id), meta: {} }))

  app.put('/hooks/:webhook_id', {
    schema: { summary: 'Update a webhook', operationId: 'updateWebhook', tags: single, params: HookParams, body: HookUpdate, response: { 200: HookResponse } },
    config: { scopes },
    // No body (or JSON null) is an empty update too, answered as BigCommerce answers `{}`, before
    // the schema would call it "not an object".
    preValidation: async (req) => {
      if (req.body === undefined || req.body === null) throw emptyWebhookUpdate()
    },
  }, async (req) => ({ data: await hooks.updateHook(app.db, app.clock(), rules, ownerOf(req), req.params.webhook_id, req.body), meta: {} }))

  app.delete('/hooks/:webhook_id', {
    schema: { summary: 'Delete a webhook', operationId: 'deleteWebhook', tags: single, params: HookParams, response: { 200: HookResponse } },
    config: { scopes },
  }, async (req) => ({ data: await hooks.deleteHook(app.db, ownerOf(req), req.params.webhook_id), meta: {} }))
}

export default routes
