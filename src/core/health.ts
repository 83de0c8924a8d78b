import { sql } from 'kysely'
import fp from 'fastify-plugin'
import { migrationsCurrent } from '../db/migrate.js'

// Probes for load balancers and orchestrators. /healthz: the process answers (restart it if
// not). /readyz: it can serve, meaning the database answers and its schema is the one this code
// expects; until then, send it no traffic. The limit counters (Redis, when configured) are
// reported but do not decide readiness: while Redis is away every node lets requests through
// unlimited (limits.ts), and calling every node unready for it would turn that into an outage.

export interface HealthOptions {
  /** PostgreSQL: the schema holding the migration bookkeeping (DATABASE_SCHEMA) */
  databaseSchema?: string
}

/** A probe that hangs is worse than one that fails: each check gets this long. */
const CHECK_TIMEOUT_MS = 2_000

type CheckResult = 'ok' | string

async function check(work: () => Promise<string | undefined>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timed out'), CHECK_TIMEOUT_MS)))
  try {
    return (await Promise.race([work().then((problem) => problem ?? 'ok'), late])) as CheckResult
  } catch (error) {
    return `failed: ${error instanceof Error ? error.message : String(error)}`
  } finally {
    clearTimeout(timer)
  }
}

export default fp<HealthOptions>(
  async (app, options) => {
    // Applied migrations are not unapplied under a running server: once current, always current.
    let migrated = false

    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

    app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
      const database = await check(async () => {
        await sql`select 1`.execute(app.db)
        return undefined
      })
      const migrations =
        database !== 'ok'
          ? 'unknown (database unavailable)'
          : await check(async () => {
              if (!migrated) migrated = await migrationsCurrent(app.db, options.databaseSchema)
              return migrated ? undefined : 'pending: run `clientele migrate`'
            })
      const counters = await check(async () => {
        await app.counters.ping()
        return undefined
      })
      const checks = { database, migrations, counters }
      const ready = database === 'ok' && migrations === 'ok'
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
    })
  },
  { name: 'clientele-health', dependencies: ['clientele-db'] },
)
