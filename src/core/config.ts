import { DEFAULT_SQLITE_FILE } from '../db/connect.js'
import { DEFAULT_PLAN, parseRateLimit, PLANS, type RateLimit } from './rate-limit-plans.js'

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
  /** Redis for the limit counters, shared by every node; in memory when unset */
  redisUrl?: string
  /** put before every Redis key, so several deployments can share one Redis */
  redisKeyPrefix: string
  /** milliseconds, 0 = off: idle socket, idle keep-alive connection, whole request */
  timeouts: { connectionTimeout: number; keepAliveTimeout: number; requestTimeout: number }
  maxJsonDepth: number
  /** false: `serve` leaves migrations to `clientele migrate` (run once per release) */
  migrateOnStart: boolean
  /** validate-credentials: failed attempts allowed per email and per client address in a window; 0 = no limit */
  loginLimits: { perEmail: number; perClient: number; windowMs: number }
  /** false (CLIENTELE_DEV_STORE=false, `serve --no-dev-store`): no dev store, no token printed */
  devStore: boolean
  /** CLIENTELE_DEV_TOKEN: the dev store's token, chosen instead of a random one (for CI scripts) */
  devToken?: string
  /** DEFAULT_RATE_LIMIT: the quota of every store without one of its own (`150/30s`, `pro`, `unlimited`) */
  defaultRateLimit: RateLimit
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const


function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not "${text}"`)
  return n
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  if (['1', 'true', 'yes'].includes(text.toLowerCase())) return true
  if (['0', 'false', 'no'].includes(text.toLowerCase())) return false
  throw new Error(`${name} must be true or false, not "${text}"`)
}

function rateLimit(env: NodeJS.ProcessEnv, name: string): RateLimit {
  const text = env[name]
  if (text === undefined || text === '') return PLANS[DEFAULT_PLAN]
  try {
    return parseRateLimit(text)
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`)
  }
}

function logLevel(text: string): string {
  if ((LOG_LEVELS as readonly string[]).includes(text)) return text
  throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${text}"`)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000),
    databaseUrl: env.DATABASE_URL || DEFAULT_SQLITE_FILE,
    logLevel: logLevel(env.LOG_LEVEL || 'info'),
    bodyLimit: integer(env, 'BODY_LIMIT', 1024 * 1024),
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10),
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'clientele:',
    timeouts: {
      // Longer than the keep-alive timeout, so it never cuts a connection kept for reuse.
      connectionTimeout: integer(env, 'CONNECTION_TIMEOUT_MS', 120_000),
      // Longer than the 60 s idle timeout of common load balancers, so they close first.
      keepAliveTimeout: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000),
      requestTimeout: integer(env, 'REQUEST_TIMEOUT_MS', 30_000),
    },
    maxJsonDepth: integer(env, 'JSON_MAX_DEPTH', 32),
    migrateOnStart: flag(env, 'MIGRATE_ON_START', true),
    loginLimits: {
      perEmail: integer(env, 'LOGIN_FAILURES_PER_EMAIL', 5),
      perClient: integer(env, 'LOGIN_FAILURES_PER_CLIENT', 100),
      windowMs: integer(env, 'LOGIN_FAILURE_WINDOW_MS', 300_000),
    },
    devStore: flag(env, 'CLIENTELE_DEV_STORE', true),
    defaultRateLimit: rateLimit(env, 'DEFAULT_RATE_LIMIT'),
  }
  if (env.CLIENTELE_DEV_TOKEN) config.devToken = env.CLIENTELE_DEV_TOKEN
  if (env.ADMIN_TOKEN) config.adminToken = env.ADMIN_TOKEN
  if (env.DATABASE_SCHEMA) config.databaseSchema = env.DATABASE_SCHEMA
  if (env.REDIS_URL) config.redisUrl = env.REDIS_URL
  return config
}
