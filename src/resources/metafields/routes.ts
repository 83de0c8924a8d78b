import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { ownerOf } from '../../core/auth.js'
import { batchAnswer, type BatchOutcome } from './outcomes.js'
import { accountOf } from './permissions.js'
import { storedResourceId, type MetafieldResource } from './resource.js'
import { DeleteMetafieldsBody, ListMetafieldsQuery, MetafieldCreate, MetafieldUpdate, resourceSchemas, UpdateMetafieldsBody } from './schemas.js'
import * as metafields from './service.js'

// The nine metafield routes of one resource type, built from its description (resources.ts):
//   /{collection}/{resource id}/metafields        GET list, POST one
//   /{collection}/{resource id}/metafields/{id}   GET, PUT, DELETE one
//   /{collection}/metafields                      GET all, POST / PUT / DELETE a batch

/** A batch write's answer: 200, or 422 when some items failed (BEHAVIOUR 9.4). */
function answer<T>(reply: FastifyReply, outcome: BatchOutcome<T>): FastifyReply {
  const { status, body } = batchAnswer(outcome)
  return reply.code(status).send(body)
}

export function metafieldRoutes(resource: MetafieldResource): FastifyPluginAsyncTypebox {
  const schemas = resourceSchemas(resource)
  const { scopes, operationIds, label } = resource
  const tags = [resource.tag]
  const all = `/${resource.collection}/metafields`
  const ofOne = `/${resource.collection}/:${resource.params.resource}/metafields`
  const one = `${ofOne}/:${resource.params.metafield}`
  const resourceIdOf = (params: Record<string, unknown>) => storedResourceId(resource, params[resource.params.resource] as number | string)
  const metafieldIdOf = (params: Record<string, unknown>) => params[resource.params.metafield] as number

  return async (app) => {
    app.get(ofOne, {
      schema: {
        summary: `Get a ${label}'s metafields`, operationId: operationIds.list, tags,
        params: schemas.collectionParams, querystring: ListMetafieldsQuery, response: { 200: schemas.list },
      },
      config: { scopes: scopes.read },
    }, async (req) => metafields.listMetafields(app.db, accountOf(ownerOf(req)), resource, req.query, req.url, resourceIdOf(req.params)))

    app.post(ofOne, {
      schema: {
        summary: `Create a ${label} metafield`, operationId: operationIds.create, tags,
        params: schemas.collectionParams, body: MetafieldCreate, response: { 200: schemas.single },
      },
      config: { scopes: scopes.write },
    }, async (req) => ({
      data: await metafields.createMetafield(app.db, app.clock(), accountOf(ownerOf(req)), resource, resourceIdOf(req.params), req.body),
      meta: {},
    }))

    app.get(one, {
      schema: { summary: `Get a ${label} metafield`, operationId: operationIds.get, tags, params: schemas.itemParams, response: { 200: schemas.single } },
      config: { scopes: scopes.read },
    }, async (req) => ({
      data: await metafields.getMetafield(app.db, accountOf(ownerOf(req)), resource, resourceIdOf(req.params), metafieldIdOf(req.params)),
      meta: {},
    }))

    app.put(one, {
      schema: {
        summary: `Update a ${label} metafield`, operationId: operationIds.update, tags,
        params: schemas.itemParams, body: MetafieldUpdate, response: { 200: schemas.single },
      },
      config: { scopes: scopes.write },
    }, async (req) => ({
      data: await metafields.updateMetafield(
        app.db, app.clock(), accountOf(ownerOf(req)), resource, resourceIdOf(req.params), metafieldIdOf(req.params), req.body,
      ),
      meta: {},
    }))

    app.delete(one, {
      schema: { summary: `Delete a ${label} metafield`, operationId: operationIds.delete, tags, params: schemas.itemParams, response: { 204: Type.Null() } },
      config: { scopes: scopes.write },
    }, async (req, reply) => {
      await metafields.deleteMetafield(app.db, accountOf(ownerOf(req)), resource, resourceIdOf(req.params), metafieldIdOf(req.params))
      return reply.code(204).send(null)
    })

    app.get(all, {
      schema: {
        summary: `Get all ${label} metafields`, operationId: operationIds.listAll, tags,
        querystring: ListMetafieldsQuery, response: { 200: schemas.list },
      },
      config: { scopes: scopes.read },
    }, async (req) => metafields.listMetafields(app.db, accountOf(ownerOf(req)), resource, req.query, req.url))

    app.post(all, {
      schema: {
        summary: `Create ${label} metafields`, operationId: operationIds.createMany, tags,
        body: schemas.createManyBody, response: { 200: schemas.written, 422: schemas.writtenPartly },
      },
      config: { scopes: scopes.write },
    }, async (req, reply) => answer(reply, await metafields.createMetafields(app.db, app.clock(), accountOf(ownerOf(req)), resource, req.body)))

    app.put(all, {
      schema: {
        summary: `Update ${label} metafields`, operationId: operationIds.updateMany, tags,
        body: UpdateMetafieldsBody, response: { 200: schemas.written, 422: schemas.writtenPartly },
      },
      config: { scopes: scopes.write },
    }, async (req, reply) => answer(reply, await metafields.updateMetafields(app.db, app.clock(), accountOf(ownerOf(req)), resource, req.body)))

    app.delete(all, {
      schema: {
        summary: `Delete ${label} metafields`, operationId: operationIds.deleteMany, tags,
        body: DeleteMetafieldsBody, response: { 200: schemas.deleted, 422: schemas.deletedPartly },
      },
      config: { scopes: scopes.write },
    }, async (req, reply) => answer(reply, await metafields.deleteMetafields(app.db, accountOf(ownerOf(req)), resource, req.body)))
  }
}
