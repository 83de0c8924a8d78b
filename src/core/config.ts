import { DEFAULT_SQLITE_FILE } from '../db/connect.js'
import { DESTINATION_MODES, type DestinationMode } from './destinations.js'
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
  /** WEBHOOK_DESTINATIONS: `any` (default) or `public`, which refuses hooks that reach private and loopback addresses */
  webhookDestinations: DestinationMode
  /** the webhook delivery worker `serve` runs (docs/DEPLOYMENT.md "Webhook delivery") */
  webhookDelivery: WebhookDeliveryConfig
  /** the request inspector (docs/DEPLOYMENT.md "Request inspector"): kept only when the admin API is on */
  inspector: InspectorConfig
  /** CONSOLE=off: no page at /console/ (docs/CONSOLE.md); on, it is there whenever the admin API is */
  console: boolean
}

export interface InspectorConfig {
  /** INSPECTOR=off: no request is kept */
  enabled: boolean
  /** INSPECTOR_SIZE: entries kept per store, the oldest dropped first */
  size: number
  /** INSPECTOR_BODY_LIMIT: bytes kept of each request and response body; 0 keeps none */
  bodyLimit: number
}

export interface WebhookDeliveryConfig {
  /** WEBHOOK_DELIVERY=false: this node sends nothing (another node, or none, does) */
  enabled: boolean
  pollMs: number
  timeoutMs: number
  /** seconds after each failed attempt (fractions allowed); after the last one the hook is deactivated */
  retrySchedule: number[]
  maxInFlight: number
  maxPerOrigin: number
  maxResponseBytes: number
  retentionMs: number
  /** WEBHOOK_MAX_EVENTS: sent events kept at most (the outbox's size cap) */
  maxEvents: number
  /** WEBHOOK_MAX_RETRYING_PER_HOOK: a hook with this many deliveries waiting for a retry is deactivated */
  maxRetryingPerHook: number
}

/** Entries the request inspector keeps per store, and bytes of each body (INSPECTOR_SIZE, INSPECTOR_BODY_LIMIT). */
export const DEFAULT_INSPECTOR_SIZE = 200
export const DEFAULT_INSPECTOR_BODY_LIMIT = 16 * 1024

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

function destinationMode(env: NodeJS.ProcessEnv, name: string): DestinationMode {
  const text = env[name]
  if (text === undefined || text === '') return 'any'
  if ((DESTINATION_MODES as readonly string[]).includes(text)) return text as DestinationMode
  throw new Error(`${name} must be one of ${DESTINATION_MODES.join(', ')}, not "${text}"`)
}

/** INSPECTOR, CONSOLE: `on` (default) or `off`; the flag words too. */
function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name]?.toLowerCase()
  if (text === 'on') return true
  if (text === 'off') return false
  try {
    return flag(env, name, fallback)
  } catch {
    throw new Error(`${name} must be on or off, not "${env[name]}"`)
  }
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = integer(env, name, fallback)
  if (n === 0) throw new Error(`${name} must be a positive integer, not "${env[name]}"`)
  return n
}

/** WEBHOOK_RETRY_SCHEDULE: comma-separated seconds, e.g. `60,180,300` (BigCommerce's 11 intervals when unset). */
function retrySchedule(env: NodeJS.ProcessEnv, name: string, fallback: readonly number[]): number[] {
  const text = env[name]
  if (text === undefined || text.trim() === '') return [...fallback]
  const values = text.split(',').map((part) => Number(part.trim()))
  if (values.some((v) => !Number.isFinite(v) || v < 0) || text.split(',').some((part) => part.trim() === '')) {
    throw new Error(`${name} must be comma-separated non-negative seconds (e.g. 60,180,300), not "${text}"`)
  }
  return values
}

/** BigCommerce's retry intervals after a failed delivery, seconds (WEBHOOKS.md (d)). */
export const BIGCOMMERCE_RETRY_SCHEDULE = [60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400] as const

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
    webhookDestinations: destinationMode(env, 'WEBHOOK_DESTINATIONS'),
    webhookDelivery: {
      enabled: flag(env, 'WEBHOOK_DELIVERY', true),
      pollMs: positive(env, 'WEBHOOK_POLL_MS', 200),
      timeoutMs: positive(env, 'WEBHOOK_TIMEOUT_MS', 10_000),
      retrySchedule: retrySchedule(env, 'WEBHOOK_RETRY_SCHEDULE', BIGCOMMERCE_RETRY_SCHEDULE),
      maxInFlight: positive(env, 'WEBHOOK_MAX_IN_FLIGHT', 32),
      maxPerOrigin: positive(env, 'WEBHOOK_MAX_PER_ORIGIN', 4),
      maxResponseBytes: integer(env, 'WEBHOOK_MAX_RESPONSE_BYTES', 64 * 1024),
      retentionMs: positive(env, 'WEBHOOK_RETENTION_HOURS', 7 * 24) * 3600 * 1000,
      maxEvents: positive(env, 'WEBHOOK_MAX_EVENTS', 1_000_000),
      maxRetryingPerHook: positive(env, 'WEBHOOK_MAX_RETRYING_PER_HOOK', 10_000),
    },
    inspector: {
      enabled: onOff(env, 'INSPECTOR', true),
      size: positive(env, 'INSPECTOR_SIZE', DEFAULT_INSPECTOR_SIZE),
      bodyLimit: integer(env, 'INSPECTOR_BODY_LIMIT', DEFAULT_INSPECTOR_BODY_LIMIT),
    },
    console: onOff(env, 'CONSOLE', true),
  }
  if (env.CLIENTELE_DEV_TOKEN) config.devToken = env.CLIENTELE_DEV_TOKEN
  if (env.ADMIN_TOKEN) config.adminToken = env.ADMIN_TOKEN
  if (env.DATABASE_SCHEMA) config.databaseSchema = env.DATABASE_SCHEMA
  if (env.REDIS_URL) config.redisUrl = env.REDIS_URL
  return config
}
