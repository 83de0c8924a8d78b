import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import { Counter } from 'prom-client'
import { ownerIfAny } from '../core/auth.js'
import { rawBodyOf } from '../core/http.js'
import type { Database } from '../db/schema.js'
import { StoreAdminError, storeIdOf } from '../stores/lookup.js'
import { payloadText, recordOf } from './capture.js'
import type { Recorded } from './entry.js'
import type { Inspector } from './inspector.js'
import { ALL_FIELDS, FORM_FIELD, redactJson, schemaNamesSecret, SECRET_KEY, secretsIn, type PasswordFields } from './redact.js'

// Records every API request (`/stores/{hash}/v3/...`, answered by a route or not) in the
// inspector's store, in one onSend hook: it sees the payload as it is sent, and the request's
// body as the JSON parser read it. The common case (a request without secrets, by a known
// account) is synchronous, and in memory it is stored before the hook returns: no promise, no
// serialization. Only a body that may hold a form field's password waits, for the store's
// password field names; only a request whose token was refused waits, to learn whether its
// store exists (an unknown hash must not make an entry). Nothing here fails or delays a response:
// what goes wrong is counted in clientele_inspector_failures_total.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** set by the inspector: the route's response schemas name a secret key, so its responses are searched for one */
    inspectResponse?: boolean
  }
}

export interface InspectorPluginOptions {
  inspector: Inspector
  /** the names of a store's password form fields (a resource's query, handed down by app.ts) */
  passwordFields: (db: Kysely<Database>, storeHash: string) => Promise<ReadonlySet<string>>
}

/** A request the router matched to no route names its store only in its URL. */
const API_PATH = /^\/+stores\/+([^/?#]+)\/+v3(?:[/?#]|$)/

function storeHashOf(req: FastifyRequest): string | undefined {
  if (!req.is404) return (req.params as { store_hash?: string } | undefined)?.store_hash
  return API_PATH.exec(req.url)?.[1]
}

/** How long a store hash is known to exist or not, for requests whose token was refused. */
const STORE_CHECK_MS = 5_000
const STORE_CHECKS_KEPT = 10_000

const NO_FIELDS: ReadonlySet<string> = new Set()

export default fp<InspectorPluginOptions>(
  async (app, { inspector, passwordFields }) => {
    const store = inspector.store
    // The part of a body the store keeps lies within its first bodyLimit characters (a character is one byte or more).
    const kept = (text: string) => (text.length > store.bodyLimit ? text.slice(0, store.bodyLimit) : text)
    const failures = new Counter({
      name: 'clientele_inspector_failures_total',
      help: 'API requests the request inspector could not keep (its shared store unreachable, or a fault while recording); the requests themselves were answered',
      registers: [app.metricsRegistry],
    })
    const failed = (error: unknown) => {
      failures.inc()
      app.log.debug({ err: error }, 'request inspector: entry not kept')
    }

    const storeChecks = new Map<string, { exists: boolean; until: number }>()
    async function storeExists(hash: string): Promise<boolean> {
      const now = Date.now()
      const known = storeChecks.get(hash)
      if (known && known.until > now) return known.exists
      const exists = await storeIdOf(app.db, hash).then(
        () => true,
        (error: unknown) => {
          if (error instanceof StoreAdminError) return false
          throw error
        },
      )
      if (storeChecks.size >= STORE_CHECKS_KEPT) storeChecks.clear()
      storeChecks.set(hash, { exists, until: now + STORE_CHECK_MS })
      return exists
    }

    function keep(hash: string, recorded: Recorded): void {
      const pending = store.record(hash, recorded)
      if (pending) pending.catch(failed)
    }

    function redact(recorded: Recorded, secrets: [number, number], fields: PasswordFields): void {
      if (secrets[0] !== 0) recorded.request.text = redactJson(recorded.request.text!, fields)
      if (secrets[1] !== 0) recorded.response.text = redactJson(recorded.response.text!, fields)
    }

    const present = (text: string | undefined): text is string => text !== undefined && text !== ''

    function capture(req: FastifyRequest, reply: FastifyReply, payload: unknown): void {
      const hash = storeHashOf(req)
      if (hash === undefined) return
      const owner = ownerIfAny(req)
      // The console's own reads and changes are not an app's traffic.
      if (owner?.internal) return
      const requestText = rawBodyOf(req)
      const responseText = payloadText(payload)
      const recorded = recordOf(req, reply, requestText, responseText, owner?.clientId ?? null)
      const secrets: [number, number] = [
        present(requestText) ? secretsIn(kept(requestText), requestText) : 0,
        // Responses hold no form field passwords (they are never returned); secret keys only where a schema names one.
        present(responseText) && req.routeOptions.config?.inspectResponse ? secretsIn(kept(responseText), responseText) & SECRET_KEY : 0,
      ]
      const known = owner !== undefined
      if ((secrets[0] | secrets[1]) & FORM_FIELD) {
        passwordFields(app.db, hash)
          .catch((): PasswordFields => ALL_FIELDS)
          .then(async (fields) => {
            redact(recorded, secrets, fields)
            if (known || (await storeExists(hash))) keep(hash, recorded)
          })
          .catch(failed)
        return
      }
      if (secrets[0] | secrets[1]) redact(recorded, secrets, NO_FIELDS)
      if (known) keep(hash, recorded)
      else storeExists(hash).then((exists) => exists && keep(hash, recorded), failed)
    }

    // Routes registered after this plugin (every API route) are looked at once, as they are added.
    app.addHook('onRoute', (route) => {
      if (route.schema?.response !== undefined && schemaNamesSecret(route.schema.response)) route.config = { ...route.config, inspectResponse: true }
    })

    app.addHook('onSend', (req, reply, payload, done) => {
      try {
        capture(req, reply, payload)
      } catch (error) {
        failed(error)
      }
      done(null, payload)
    })

    // Before the server waits for its connections: an open stream would hold it open.
    app.addHook('preClose', (done) => {
      inspector.endStreams()
      done()
    })
    app.addHook('onClose', () => inspector.close())
  },
  { name: 'clientele-inspector', dependencies: ['clientele-db', 'clientele-metrics'] },
)
