import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import * as snapshots from '../stores/snapshots.js'
import { ADMIN_ERRORS as errors } from './admin-errors.js'
import { Snapshot, SnapshotCreate } from './schemas.js'

// A store's snapshots, as the CLI's `snapshots` commands manage them: save, list, restore, delete.

const tags = ['Admin']
const HashParams = Type.Object({ hash: Type.String() })
const SnapshotParams = Type.Object({ hash: Type.String(), name: Type.String() })

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/stores/:hash/snapshots', {
    schema: { tags, summary: "Save the store's data (not its API accounts or hooks) under a name", params: HashParams, body: SnapshotCreate, response: { 200: Type.Object({ data: Snapshot }), ...errors } },
  }, async (req) => ({ data: await snapshots.createSnapshot(app.db, req.params.hash, req.body, app.clock) }))

  app.get('/stores/:hash/snapshots', {
    schema: { tags, summary: "List a store's snapshots", params: HashParams, response: { 200: Type.Object({ data: Type.Array(Snapshot) }), ...errors } },
  }, async (req) => ({ data: await snapshots.listSnapshots(app.db, req.params.hash) }))

  app.post('/stores/:hash/snapshots/:name/restore', {
    schema: { tags, summary: 'Put the store back as the snapshot holds it, atomically; its API accounts and hooks stay', params: SnapshotParams, response: { 200: Type.Object({ data: Snapshot }), ...errors } },
  }, async (req) => ({ data: await snapshots.restoreSnapshot(app.db, req.params.hash, req.params.name, app.clock) }))

  app.delete('/stores/:hash/snapshots/:name', {
    schema: { tags, summary: 'Delete a snapshot', params: SnapshotParams, response: { 204: Type.Null(), ...errors } },
  }, async (req, reply) => {
    await snapshots.deleteSnapshot(app.db, req.params.hash, req.params.name)
    return reply.code(204).send(null)
  })
}

export default routes
