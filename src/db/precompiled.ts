import { CompiledQuery, type Compilable, type Kysely } from 'kysely'
import type { Database } from './schema.js'

// Queries every request runs (the token lookup, a list's counter) built and compiled by Kysely
// once per database handle, then run with new parameters: building and compiling a query takes
// longer than SQLite takes to answer it. The query is built once with a marker in place of each
// parameter; where the markers land in the compiled parameter list says where each value goes.
// Only for queries whose shape never depends on the values (no lists of varying length).

const MARKER = Symbol('clientele.parameter')
type Marker = { readonly [MARKER]: number }
type Slot = { param: number } | { constant: unknown }

function isMarker(value: unknown): value is Marker {
  return typeof value === 'object' && value !== null && MARKER in value
}

/** `build` with typed parameters, compiled on its first run against each database handle. */
export function precompiled<Params extends unknown[], Row>(build: (db: Kysely<Database>, ...params: Params) => Compilable<Row>) {
  const compiled = new WeakMap<Kysely<Database>, { sql: string; slots: Slot[] }>()
  return async (db: Kysely<Database>, ...params: Params): Promise<Row[]> => {
    let query = compiled.get(db)
    if (!query) {
      const markers = params.map((_, i): Marker => ({ [MARKER]: i })) as unknown as Params
      const { sql, parameters } = build(db, ...markers).compile()
      query = { sql, slots: parameters.map((p): Slot => (isMarker(p) ? { param: p[MARKER] } : { constant: p })) }
      compiled.set(db, query)
    }
    const values = query.slots.map((slot) => ('param' in slot ? params[slot.param] : slot.constant))
    return (await db.executeQuery<Row>(CompiledQuery.raw(query.sql, values))).rows
  }
}
