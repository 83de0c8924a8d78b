import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { buildApp } from './app.js'
import type { Config } from './core/config.js'
import { connectRedis } from './core/redis.js'
import { RedisCounterStore } from './core/redis-counter-store.js'
import { ensureReachable, openDatabase } from './db/connect.js'
import { migrateToLatest, migrationsCurrent } from './db/migrate.js'
import { keepStatisticsFresh } from './db/statistics.js'
import { RedisRequestStore } from './inspector/redis-store.js'
import { StoreAdminError } from './stores/lookup.js'
import { countStores, createDevStore, findTokenOwner, type CreatedAccount } from './stores/service.js'
import { startDeliveryWorker, type DeliveryWorker } from './webhooks/worker.js'

// `clientele serve`: open and migrate the database, create the dev store on first start, listen,
// and on SIGTERM/SIGINT stop accepting, finish in-flight requests, close the database, exit 0.

type Print = (line: string) => void

export async function serve(config: Config, print: Print = (line) => process.stdout.write(`${line}\n`)) {
  const handle = openDatabase(config.databaseUrl, {
    create: true,
    poolSize: config.poolSize,
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
  })
  const { db, description, schema } = handle
  await ensureReachable(handle)
  // Several nodes may start at once: Kysely's migration lock lets one migrate and the others wait.
  // With MIGRATE_ON_START=false a release runs `clientele migrate` once instead, and a node that
  // starts before it has run stays unready (/readyz 503) until it has.
  if (config.migrateOnStart) await migrateToLatest(db, schema)
  const current = config.migrateOnStart || (await migrationsCurrent(db, schema))
  const account = current && config.devStore ? await firstStartAccount(db, config.devToken) : undefined
  // Quotas and concurrency caps are shared through Redis when it is configured: one count for every
  // node; so are the request inspector's entries, over the same connection.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined
  const counters = redis ? RedisCounterStore.over(redis, { prefix: config.redisKeyPrefix }) : undefined
  const { enabled: inspecting, size, bodyLimit } = config.inspector
  const adminToken = config.adminToken ?? devAdminToken(config)
  const requests = redis && inspecting ? new RedisRequestStore(redis, { capacity: size, bodyLimit, prefix: config.redisKeyPrefix }) : undefined

  const app = buildApp({
    db,
    closeDatabase: true,
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    timeouts: config.timeouts,
    maxJsonDepth: config.maxJsonDepth,
    processMetrics: true,
    loginLimits: config.loginLimits,
    defaultRateLimit: config.defaultRateLimit,
    webhookDestinations: config.webhookDestinations,
    inspector: inspecting ? { size, bodyLimit, ...(requests ? { store: requests } : {}) } : false,
    ...(schema ? { databaseSchema: schema } : {}),
    ...(counters ? { counters } : {}),
    console: config.console,
    ...(adminToken ? { adminToken } : {}),
  })
  if (counters) app.addHook('onClose', () => counters.close())
  let worker: DeliveryWorker | undefined
  const statistics = handle.dialect === 'postgres' ? keepStatisticsFresh(db, (error) => app.log.error({ err: error }, 'table statistics')) : undefined
  // preClose runs before the database plugin's onClose: the worker gives its claims back first.
  app.addHook('preClose', async () => {
    await Promise.all([worker?.stop(), statistics?.stop()])
  })
  let closing = false
  // Closing the server ends the connections idle at that moment; one busy then would stay open
  // after its response until the keep-alive timeout (72 s), holding the exit. Close it instead.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  await app.listen({ host: config.host, port: config.port })
  // After listen: the metrics registry is decorated once the plugins have run.
  if (config.webhookDelivery.enabled) {
    const { enabled: _, ...delivery } = config.webhookDelivery
    worker = startDeliveryWorker(db, {
      ...delivery,
      destinations: config.webhookDestinations,
      registry: app.metricsRegistry,
      onError: (error) => app.log.error({ err: error }, 'webhook delivery worker'),
    })
  }

  // A wildcard address is not something curl can reach: show loopback instead.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  print(`Clientele is serving ${origin} (database ${description})`)
  if (account) {
    const url = `${origin}/stores/${account.store_hash}/v3/customers`
    print('')
    print(`Created store "${account.store_hash}" with an API account holding every scope.`)
    print(`  store hash:   ${account.store_hash}`)
    print(`  client id:    ${account.client_id}`)
    const source = config.devToken ? 'from CLIENTELE_DEV_TOKEN' : 'shown once; `clientele tokens create` makes more'
    print(`  access token: ${account.access_token}   (${source})`)
    print(`  client secret: ${account.client_secret}   (verifies webhook deliveries)`)
    print('')
    print('Try it:')
    print(`  curl -s -H 'X-Auth-Token: ${account.access_token}' -H 'Accept: application/json' '${url}'`)
    print('')
  }
  if (counters) print(`Limit counters: Redis (shared by every node)`)
  if (adminToken && config.console) {
    // The dev token is made for this process: the link signs in with it (the part after # never leaves the browser).
    print(config.adminToken ? `Console: ${origin}/console/ (sign in with ADMIN_TOKEN)` : `Console: ${origin}/console/#token=${adminToken}   (dev mode: ADMIN_TOKEN is unset, so this process made one)`)
  }
  if (adminToken && inspecting) {
    // `logs tail` reads ADMIN_TOKEN; in dev mode there is none to read, so the line names the process's token.
    const tail = config.adminToken ? '`clientele logs tail --store <hash>`' : `\`clientele logs tail --store <hash> --admin-token ${adminToken}\``
    print(`Request inspector: ${origin}/admin/stores/<hash>/requests (${requests ? 'in Redis, shared by every node' : 'in memory'}; ${tail})`)
  }
  if (!current) print('Migrations are pending: run `clientele migrate`; /readyz answers 503 until then.')
  print(`API docs: ${origin}/docs`)

  const stop = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
  return app
}

const LOOPBACK_NAMES = new Set(['localhost', '::1'])

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'))
}

/**
 * Dev mode (a dev store, served on loopback only, no ADMIN_TOKEN): an admin token for this process,
 * so `npm start` has its console and inspector. Anywhere else the admin API stays off until
 * ADMIN_TOKEN is set: a server others can reach gets no admin API by default.
 */
function devAdminToken(config: Config): string | undefined {
  if (!config.console || !config.devStore || !isLoopback(config.host)) return undefined
  return randomBytes(24).toString('base64url')
}

/**
 * On a database without stores, creates the dev store (with CLIENTELE_DEV_TOKEN's token when it is
 * set); several nodes starting at once create one. On a database that has stores, a chosen token
 * must be the dev store's: a CI script that asked for one token must not run against another.
 */
async function firstStartAccount(db: Parameters<typeof countStores>[0], devToken: string | undefined): Promise<CreatedAccount | undefined> {
  if ((await countStores(db)) === 0) {
    try {
      return await createDevStore(db, devToken)
    } catch (error) {
      if (!(error instanceof StoreAdminError && error.kind === 'conflict')) throw error
    }
  }
  if (devToken !== undefined && (await findTokenOwner(db, devToken))?.storeHash !== 'dev') {
    throw new Error(
      'CLIENTELE_DEV_TOKEN is not the token of this database\'s dev store (it was created with another one, or has none): ' +
        'unset it, set the first value again, or start on an empty database',
    )
  }
  return undefined
}
