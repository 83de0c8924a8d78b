import type { Kysely } from 'kysely'
import { API_PREFIX, buildApp } from '../../src/app.js'
import type { Database } from '../../src/db/schema.js'

// Every route of the BigCommerce API as the app registers it, read from the app itself: a route
// added by a later change is fuzzed and put through the auth matrix without editing these suites.

export interface ApiRoute {
  method: string
  /** the path under /stores/{hash}/v3, with `:name` parameters */
  path: string
  params: string[]
  /** the scopes that admit the route (any one) */
  scopes: readonly string[]
}

export async function apiRoutes(db: Kysely<Database>): Promise<ApiRoute[]> {
  const routes: ApiRoute[] = []
  const app = buildApp({ db })
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return
    const path = route.url.slice(API_PREFIX.length)
    for (const method of [route.method].flat()) {
      routes.push({ method, path, params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!), scopes: route.config?.scopes ?? [] })
    }
  })
  await app.ready()
  await app.close()
  return routes
}

/** The route's path with each parameter replaced (values are percent-encoded here). */
export function fillPath(route: ApiRoute, value: (param: string) => string): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(value(name)))
}

export const routeName = (route: ApiRoute) => `${route.method} ${route.path}`
