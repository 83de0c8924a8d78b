import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ownerOf } from '../../core/auth.js'
import { CUSTOMERS } from '../../core/scopes.js'
import {
  ChannelParams,
  ChannelSettingsResponse,
  ChannelSettingsUpdate,
  CustomerSettingsResponse,
  CustomerSettingsUpdate,
} from './schemas.js'
import * as settings from './service.js'

// GET|PUT /customers/settings and /customers/settings/channels/{channel_id}: wrapped in
// {data, meta} as observed and as the latest spec says (DECISIONS 9).

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/customers/settings', {
    schema: { summary: 'Get customer settings', operationId: 'getCustomersSettings', tags: ['Global Settings'], response: { 200: CustomerSettingsResponse } },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => ({ data: await settings.getSettings(app.db, ownerOf(req).storeId), meta: {} }))

  app.put('/customers/settings', {
    schema: {
      summary: 'Update customer settings', operationId: 'updateCustomersSettings', tags: ['Global Settings'],
      body: CustomerSettingsUpdate, response: { 200: CustomerSettingsResponse },
    },
    config: { scopes: CUSTOMERS.write },
  }, async (req) => ({ data: await settings.updateSettings(app.db, ownerOf(req).storeId, req.body), meta: {} }))

  app.get('/customers/settings/channels/:channel_id', {
    schema: {
      summary: 'Get customer settings per channel', operationId: 'getCustomersSettingsChannel', tags: ['Channel Settings'],
      params: ChannelParams, response: { 200: ChannelSettingsResponse },
    },
    config: { scopes: CUSTOMERS.read },
  }, async (req) => ({ data: await settings.getChannelSettings(app.db, ownerOf(req).storeId, req.params.channel_id), meta: {} }))

  app.put('/customers/settings/channels/:channel_id', {
    schema: {
      summary: 'Update customer settings per channel', operationId: 'updateCustomersSettingsChannel', tags: ['Channel Settings'],
      params: ChannelParams, body: ChannelSettingsUpdate, response: { 200: ChannelSettingsResponse },
    },
    config: { scopes: CUSTOMERS.write },
  }, async (req) => ({
    data: await settings.updateChannelSettings(app.db, ownerOf(req).storeId, req.params.channel_id, req.body),
    meta: {},
  }))
}

export default routes
