// The bodies of the metafield batch POST and of validate-credentials, made per request by the
// load generator (bench/wrk.ts has the same formulas in Lua). Cheap by design, like createBody.

/** Logins the validate-credentials scenario takes in turn: seeded customers with a password. */
export interface LoginPool {
  emails: string[]
  password: string
}

/**
 * The `n`th batch POST /customers/metafields: `size` metafields on `size` different customers
 * (2..seeded in turn: customer 1 keeps exactly the metafields its list scenario pages through),
 * in a namespace of the request's own, so no two items of the run ever collide. A customer
 * takes one every (seeded - 1) / size requests, far from the 250 per customer and API account.
 */
export function metafieldsBody(n: number, size: number, seeded: number): string {
  const others = Math.max(1, seeded - 1)
  const items = []
  for (let j = 0; j < size; j++) {
    const k = n * size + j
    items.push({ resource_id: (k % others) + 2, namespace: `load-${n}`, key: `item-${j}`, value: `synced ${k}`, permission_set: 'app_only' })
  }
  return JSON.stringify(items)
}

/** The `n`th POST /customers/validate-credentials: the next seeded login, with its right password. */
export function loginBody(logins: LoginPool, n: number): string {
  return JSON.stringify({ email: logins.emails[n % logins.emails.length], password: logins.password })
}
