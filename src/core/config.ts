// The process configuration, read from the environment by the entry points only (src/server.ts,
// src/cli/); the app itself takes options and never reads the environment.

export interface Config {
  host: string
  port: number
  /** `postgres://...`, or a SQLite file path */
  databaseUrl: string
  /** PostgreSQL: the schema to keep Clientele's tables in (default public) */
  databaseSchema?: string
  logLevel: string
  adminToken?: string
  bodyLimit: number
  poolSize: number
}

export const DEFAULT_SQLITE_FILE = './data/clientele.db'

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not "${text}"`)
  return n
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000),
    databaseUrl: env.DATABASE_URL || DEFAULT_SQLITE_FILE,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: integer(env, 'BODY_LIMIT', 1024 * 1024),
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10),
  }
  if (env.ADMIN_TOKEN) config.adminToken = env.ADMIN_TOKEN
  if (env.DATABASE_SCHEMA) config.databaseSchema = env.DATABASE_SCHEMA
  return config
}
