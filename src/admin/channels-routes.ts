import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MAX_INTEGER } from '../db/schema.js'
import * as channels from '../stores/channels.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'

// A store's channels, as the CLI's `channels` commands manage them. BigCommerce creates channels
// through its Channels API, which Clientele does not serve; customers, settings and logins refer
// to the channels made here. Channel 1 comes with every store.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })
const ChannelParams = Type.Object({ hash: Type.String(), id: Type.Integer() })

const Channel = Type.Object({ id: Type.Integer(), name: Type.String(), date_created: Type.String() })

const ChannelCreate = Type.Object({
  id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INTEGER, description: 'Default: one more than the highest id of the store' })),
  name: Type.String({ minLength: 1, maxLength: 255 }),
})

const ChannelRename = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) })

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/stores/:hash/channels', {
    schema: { tags, summary: "List a store's channels", params: HashParams, response: { 200: Type.Object({ data: Type.Array(Channel) }), ...errors } },
  }, async (req) => ({ data: await channels.listChannels(app.db, req.params.hash) }))

  app.post('/stores/:hash/channels', {
    schema: { tags, summary: 'Add a channel', params: HashParams, body: ChannelCreate, response: { 200: Type.Object({ data: Channel }), ...errors } },
  }, async (req) => ({ data: await channels.createChannel(app.db, req.params.hash, req.body, app.clock) }))

  app.put('/stores/:hash/channels/:id', {
    schema: { tags, summary: 'Rename a channel', params: ChannelParams, body: ChannelRename, response: { 200: Type.Object({ data: Channel }), ...errors } },
  }, async (req) => ({ data: await channels.renameChannel(app.db, req.params.hash, req.params.id, req.body.name) }))

  app.delete('/stores/:hash/channels/:id', {
    schema: {
      tags, summary: 'Delete a channel no customer uses (not channel 1), with its customer settings',
      params: ChannelParams, response: { 204: Type.Null(), ...errors },
    },
  }, async (req, reply) => {
    await channels.deleteChannel(app.db, req.params.hash, req.params.id)
    return reply.code(204).send(null)
  })
}

export default routes
