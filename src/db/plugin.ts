import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Clock } from '../core/dates.js'
import type { Database } from './schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>
    /** the time source for timestamps; tests substitute their own */
    clock: Clock
  }
}

export interface DbPluginOptions {
  db: Kysely<Database>
  clock: Clock
  /** destroy the database handle when the app closes (the server owns it; tests may share one) */
  closeWithApp: boolean
}

export default fp<DbPluginOptions>(
  async (app, options) => {
    app.decorate('db', options.db)
    app.decorate('clock', options.clock)
    if (options.closeWithApp) app.addHook('onClose', async () => options.db.destroy())
  },
  { name: 'clientele-db' },
)
