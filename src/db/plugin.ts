import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>
  }
}

export interface DbPluginOptions {
  db: Kysely<Database>
  /** destroy the database handle when the app closes (the server owns it; tests may share one) */
  closeWithApp: boolean
}

const CLOSE_GRACE_MS = 10_000

export default fp<DbPluginOptions>(
  async (app, options) => {
    app.decorate('db', options.db)
    if (!options.closeWithApp) return

    // Fastify's close waits for requests whose clients are still there; a handler whose client
    // went away keeps running. Count handlers from preHandler until their reply is sent, and
    // close the database only when none is left (or after a grace period).
    const holding = new WeakSet<object>()
    let running = 0
    // Callback-style: they run on every request, and an async hook costs a promise and its ticks.
    app.addHook('preHandler', (req, _reply, done) => {
      running += 1
      holding.add(req)
      done()
    })
    app.addHook('onSend', (req, _reply, payload, done) => {
      if (holding.delete(req)) running -= 1
      done(null, payload)
    })
    app.addHook('onClose', async () => {
      const deadline = Date.now() + CLOSE_GRACE_MS
      while (running > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
      await options.db.destroy()
    })
  },
  { name: 'clientele-db' },
)
