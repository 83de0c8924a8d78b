import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { InspectorEntry } from '../inspector/entry.js'
import { STATUS_PATTERN } from '../inspector/filters.js'
import type { Inspector } from '../inspector/inspector.js'
import { StoreAdminError, storeIdOf } from '../stores/lookup.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'

// The request inspector (docs/COMPATIBILITY.md "Request inspector"): the API requests a store was
// sent, secrets redacted, newest first; one of them; a live stream (server-sent events); clearing.
// BigCommerce has nothing like it: it is how a developer sees what their app sent and got back.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })
const EntryParams = Type.Object({ hash: Type.String(), id: Type.Integer({ minimum: 1 }) })

const filters = {
  status: Type.Optional(Type.String({ pattern: STATUS_PATTERN, description: 'a status (404) or a class (4xx)' })),
  method: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  path_prefix: Type.Optional(Type.String({ minLength: 1, description: 'under the store\'s /stores/{hash}/v3 (/customers), or a whole path' })),
  client_id: Type.Optional(Type.String({ minLength: 1 })),
}
const after = Type.Optional(Type.Integer({ minimum: 0, description: 'only entries with a greater id' }))

const ListQuery = Type.Object({
  ...filters,
  after,
  before: Type.Optional(Type.Integer({ minimum: 1, description: "only entries with a smaller id: meta.next_before pages on" })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 50' })),
})
const StreamQuery = Type.Object({ ...filters, after })

const Page = Type.Object({
  data: Type.Array(InspectorEntry),
  meta: Type.Object({
    count: Type.Integer(),
    capacity: Type.Integer({ description: 'entries kept per store (INSPECTOR_SIZE)' }),
    last_id: Type.Integer({ description: 'the newest id recorded for the store, 0 when none' }),
    next_before: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as before for the next page of older entries; null when there are none' }),
  }),
})

const routes: FastifyPluginAsyncTypebox<{ inspector?: Inspector }> = async (app, options) => {
  /** The store must exist (404), and the inspector be on (INSPECTOR=off: 404 that says so). */
  async function inspectorFor(hash: string): Promise<Inspector> {
    await storeIdOf(app.db, hash)
    if (!options.inspector) throw new StoreAdminError('not_found', 'the request inspector is off (INSPECTOR=off)')
    return options.inspector
  }

  app.get('/stores/:hash/requests', {
    schema: { tags, summary: 'List the API requests the store was sent, newest first (secrets redacted)', params: HashParams, querystring: ListQuery, response: { 200: Page, ...errors } },
  }, async (req) => {
    const { after, before, limit, ...filter } = req.query
    return (await inspectorFor(req.params.hash)).page(req.params.hash, {
      filter, limit: limit ?? 50, ...(after !== undefined ? { after } : {}), ...(before !== undefined ? { before } : {}),
    })
  })

  app.get('/stores/:hash/requests/stream', {
    schema: {
      tags, summary: 'The API requests as they come, as server-sent events (event id: the entry id; Last-Event-ID resumes)',
      params: HashParams, querystring: StreamQuery, produces: ['text/event-stream'],
    },
  }, async (req, reply) => {
    const { after, ...filter } = req.query
    const inspector = await inspectorFor(req.params.hash)
    const lastEventId = Number(req.headers['last-event-id'])
    const from = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : after
    const stream = await inspector.stream(req.params.hash, filter, from)
    // The client going away ends the stream, and with it the subscription.
    reply.raw.once('close', () => stream.destroy())
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-accel-buffering', 'no')
      .send(stream)
  })

  app.get('/stores/:hash/requests/:id', {
    schema: { tags, summary: 'One API request the store was sent', params: EntryParams, response: { 200: Type.Object({ data: InspectorEntry }), ...errors } },
  }, async (req) => {
    const entry = await (await inspectorFor(req.params.hash)).entry(req.params.hash, req.params.id)
    if (!entry) throw new StoreAdminError('not_found', `no request ${req.params.id} is kept for store "${req.params.hash}"`)
    return { data: entry }
  })

  app.delete('/stores/:hash/requests', {
    schema: { tags, summary: "Forget the store's recorded requests (ids go on from where they were)", params: HashParams, response: { 204: Type.Null(), ...errors } },
  }, async (req, reply) => {
    await (await inspectorFor(req.params.hash)).clear(req.params.hash)
    return reply.code(204).send(null)
  })
}

export default routes
